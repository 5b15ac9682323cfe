import pytest
from django.core import mail
from django.urls import reverse

@pytest.mark.django_db
def test_x(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "a long enough pass 1", "password2": "a long enough pass 1"})
    print(r.status_code, r.headers.get("Location"))
    for m in mail.outbox: print(m.to, m.subject, m.body)
    r = client.get(r.headers["Location"])
    print(r.content.decode()[-2500:])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("account_signup"), {"email": "New@example.org", "password1": "a long enough pass 1", "password2": "a long enough pass 1"})
    print(r.status_code, r.headers.get("Location"))
    for m in mail.outbox[1:]: print(m.to, m.subject, m.body)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("account_reset_password"), {"email": "new@example.org"})
    print(r.status_code, r.headers.get("Location"))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    print(r.status_code, r.headers.get("Location"))
    for m in mail.outbox[2:]: print(m.to, m.subject, m.body)
