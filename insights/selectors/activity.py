def activity_charts(rng, filters, user=None):
    return []
