"""The matching engine: plain Python (numpy, scikit-learn, OR-Tools), no Django import."""
