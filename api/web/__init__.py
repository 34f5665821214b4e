"""The browser pages served by the app."""
