import httpx
import pytest
from fastapi import FastAPI, Request

from channels.limits import BodySizeLimit, RateLimiter


def app_with_limit(limit: int) -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        return {"size": len(await request.body())}

    app.add_middleware(BodySizeLimit, max_bytes=limit)
    return app


@pytest.fixture()
async def client():
    transport = httpx.ASGITransport(app=app_with_limit(100))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def test_small_bodies_pass(client):
    response = await client.post("/echo", content=b"x" * 100)
    assert response.status_code == 200 and response.json() == {"size": 100}


async def test_declared_oversized_body_gets_413(client):
    response = await client.post("/echo", content=b"x" * 101)
    assert response.status_code == 413


async def test_streamed_oversized_body_without_length_gets_413(client):
    async def chunks():
        for _ in range(5):
            yield b"x" * 40

    response = await client.post("/echo", content=chunks())
    assert response.status_code == 413


def test_rate_limiter_allows_a_burst_then_one_per_interval():
    limiter = RateLimiter(burst=3, refill_s=2.0)
    assert [limiter.allow("u", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("other", now=0.0) is True  # users are independent
    assert limiter.allow("u", now=1.0) is False
    assert limiter.allow("u", now=2.1) is True


def test_rate_limiter_memory_is_bounded():
    limiter = RateLimiter(max_senders=10)
    for i in range(100):
        limiter.allow(f"u{i}", now=0.0)
    assert len(limiter._buckets) == 10
