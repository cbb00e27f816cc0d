"""Pages are gzipped for browsers that accept it (the reader on a slow link); the live room's
event streams are not."""

import gzip

from django.http import StreamingHttpResponse
from django.urls import reverse

from wsis.middleware import CompressPagesMiddleware


def test_the_reader_leaves_gzipped_and_reads_the_same(anonymous, version):
    url = reverse("drafts:reader", args=["wsis20"])
    plain = anonymous.get(url)
    packed = anonymous.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).count(b'class="paragraph ') == plain.content.count(
        b'class="paragraph '
    )


def test_an_event_stream_is_not_compressed(rf):
    def stream(request):
        return StreamingHttpResponse(iter([b"data: 1\n\n"]), content_type="text/event-stream")

    request = rf.get("/", headers={"accept-encoding": "gzip"})
    response = CompressPagesMiddleware(stream)(request)
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == b"data: 1\n\n"
