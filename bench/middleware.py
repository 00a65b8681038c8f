"""Counts the SQL queries (and their time) of each request for the benchmark."""

import time

from django.db import connection


class QueryCounter:
    """An execute_wrapper that counts queries and sums their duration."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class QueryCountMiddleware:
    """Adds X-Query-Count and X-Query-Ms headers to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        response["X-Query-Ms"] = f"{counter.seconds * 1000:.1f}"
        return response
