"""Knowledge base inside the app: articles with revisions in the database, and the search index."""
