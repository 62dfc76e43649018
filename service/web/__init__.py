"""The web service: the REST API and the approve-and-send pages, built by app.create_app."""
