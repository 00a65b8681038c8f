def sentiment_charts(rng, filters, user=None):
    return []
