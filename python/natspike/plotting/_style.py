"""The paper's colours and labels, shared by all figures."""

COLORS = {
    "natural": "#d62728",
    "euclidean": "#1f77b4",
    "approximate": "#ff7f0e",
    "teacher": "#ff7f0e",
    "student": "#d62728",
}
LABELS = {"natural": "natural gradient", "euclidean": "Euclidean gradient", "approximate": "approximate natural"}
