"""The Streamlit app: voice demo, evaluation portal, replay dashboard."""
