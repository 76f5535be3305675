"""The Streamlit app for students: Explore, Actor, Connections, Timeline and Claims pages."""
