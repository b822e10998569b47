import pytest
@pytest.mark.django_db
def test_smoke(api, world):
    r = api.post("/auth/sign_in", {"username": "manager", "password": "correct-horse-battery"})
    print(r.status_code, r.json())
    m = api.as_user(world.manager)
    for p in ["/v2/users", "/v2/user/me?details=true", "/v2/organizations", "/v2/user/permissions", "/v2/users/abc", "/v2/nothing"]:
        r = m.get(p); print(p, r.status_code, r.content[:600])
    r = m.put(f"/v2/users/{world.user.pk}", {"user": {"city": "Athens", "email": "bad"}}); print(r.status_code, r.json())
    r = m.put(f"/v2/users/{world.user.pk}", {"user": {"city": "Athens"}}); print(r.status_code, r.json())
    r = m.get("/v2/organizations/export"); print(r.status_code, r.headers, b"".join(r.streaming_content)[:300])
    r = api.get("/v2/users"); print(r.status_code, r.json())
