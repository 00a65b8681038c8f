def goal_charts(rng, filters, user=None):
    return []
