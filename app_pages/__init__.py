"""The Streamlit app's pages: UI only; everything else goes through `reader.Library`."""
