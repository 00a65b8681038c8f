def cron_charts(rng, filters, user=None):
    return []
