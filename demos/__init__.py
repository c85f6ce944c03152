"""Demo notebooks of the tracker and the small library they call.

``feature_visualization`` trains a digit classifier and optimizes inputs for its units;
``activation_steering`` trains a tiny language model and steers it with activation addition.
"""
