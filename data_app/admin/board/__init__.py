"""The goals sprint board: views (views.py) and the card view-model (render.py).

What it reads is data_app.selectors.board's; what it writes,
data_app.services.goals'.
"""
