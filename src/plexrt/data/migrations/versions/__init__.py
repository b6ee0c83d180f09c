"""The user store's migrations, applied in order on open (``upgrade head``)."""
