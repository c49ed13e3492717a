import pytest
from django.utils import translation

from tinhso.procedures import forms

SCHEMA = {
    "type": "object",
    "required": ["ho_ten", "ngay_sinh", "gioi_tinh"],
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên", "maxLength": 10},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
        "so_con": {"type": "integer", "title": "Số con", "minimum": 0, "maximum": 20},
        "dien_tich": {"type": "number", "title": "Diện tích"},
        "dong_y": {"type": "boolean", "title": "Đồng ý"},
        "cccd": {"type": "string", "title": "CCCD", "pattern": "^[0-9]{12}$"},
        "email": {"type": "string", "format": "email", "title": "Thư điện tử"},
    },
    "additionalProperties": False,
}


def test_fields_for_rendering():
    fields = {f.name: f for f in forms.form_fields(SCHEMA)}
    assert fields["ho_ten"].required and not fields["so_con"].required
    assert [fields[n].input_type for n in ("ngay_sinh", "so_con", "dong_y", "email", "ho_ten")] == [
        "date",
        "number",
        "checkbox",
        "email",
        "text",
    ]
    assert fields["gioi_tinh"].choices == ("Nam", "Nữ")


def test_valid_data_passes_after_coercion():
    raw = {
        "ho_ten": " Lê Hoa ",
        "ngay_sinh": "2020-11-03",
        "gioi_tinh": "Nữ",
        "so_con": "2",
        "dien_tich": "45,5",
        "dong_y": "on",
        "cccd": "091185000123",
    }
    data = forms.coerce(SCHEMA, raw)
    assert data == {
        "ho_ten": "Lê Hoa",
        "ngay_sinh": "2020-11-03",
        "gioi_tinh": "Nữ",
        "so_con": 2,
        "dien_tich": 45.5,
        "dong_y": True,
        "cccd": "091185000123",
    }
    assert forms.validate(SCHEMA, data) == {}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({}, "ho_ten", "«Họ và tên» là bắt buộc."),
        ({"ho_ten": "Nguyễn Văn Anh Tuấn"}, "ho_ten", "«Họ và tên» dài quá 10 ký tự."),
        ({"ngay_sinh": "2020-13-40"}, "ngay_sinh", "«Ngày sinh» không đúng định dạng."),
        ({"gioi_tinh": "Khác"}, "gioi_tinh", "«Giới tính» phải là một trong các giá trị cho phép."),
        ({"so_con": "-1"}, "so_con", "«Số con» phải từ 0 trở lên."),
        ({"so_con": "21"}, "so_con", "«Số con» không được lớn hơn 20."),
        ({"so_con": "hai"}, "so_con", "«Số con» sai kiểu dữ liệu."),
        ({"dien_tich": "abc"}, "dien_tich", "«Diện tích» sai kiểu dữ liệu."),
        ({"cccd": "12345"}, "cccd", "«CCCD» không đúng định dạng."),
        ({"email": "khong-phai-email"}, "email", "«Thư điện tử» không đúng định dạng."),
    ],
)
def test_errors_name_the_field_in_vietnamese(raw, field, message):
    with translation.override("vi"):
        errors = forms.validate(SCHEMA, forms.coerce(SCHEMA, raw))
    assert message in errors[field]


def test_undeclared_fields_are_refused():
    errors = forms.validate(
        SCHEMA, {"ho_ten": "A", "ngay_sinh": "2020-01-01", "gioi_tinh": "Nam", "la": 1}
    )
    assert errors == {"": ["Biểu mẫu có trường không được khai báo."]}


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "array"}, "đối tượng"),
        ({"type": "object", "properties": {"a": {"type": "object", "title": "A"}}}, "kiểu dữ liệu"),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "thiếu tiêu đề"),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A", "format": "uri"}},
            },
            "định dạng",
        ),
        (
            {
                "type": "object",
                "required": ["b"],
                "properties": {"a": {"type": "string", "title": "A"}},
            },
            "«b»",
        ),
        ({"type": 12}, "JSON Schema"),
    ],
)
def test_schema_problems(schema, problem):
    with translation.override("vi"):
        problems = forms.schema_problems(schema)
    assert any(problem in p for p in problems), problems


def test_good_schema_has_no_problems():
    assert forms.schema_problems(SCHEMA) == []
    assert forms.schema_problems({}) == []
