from elasticsearch import Elasticsearch


class ElasticsearchBackend:
    """Elasticsearch 8 through elasticsearch-dsl documents."""

    name = "elasticsearch"

    def __init__(self, *, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self.client = Elasticsearch(url, request_timeout=5)

    def ping(self) -> bool:
        return bool(self.client.ping())
