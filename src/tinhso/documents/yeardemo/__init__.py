"""The full-scale demo's year of official documents (`tinhso seed --scale full`): 3,100,480
documents of which 2,946,000 moved electronically, as the seed report says (`generate`)."""
