"""Page previews and the flatplan (a static page, or served live by `layout watch --serve`)."""
