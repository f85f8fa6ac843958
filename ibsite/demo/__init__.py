"""The demo content: content.json and the loader that puts it in the database."""
