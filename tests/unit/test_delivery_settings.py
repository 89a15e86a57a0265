"""The user config (core/delivery/settings.py): every bad field one error naming the file, the
table and the field; a secret written out in a file others can read is warned about."""

import pytest

from core.delivery import settings
from core.errors import CadenceError


def load(tmp_path, text: str, mode: int = 0o600) -> settings.Settings:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return settings.load(path)


def test_a_full_config(tmp_path):
    found = load(tmp_path, '[smtp]\nhost = "smtp.example.org"\nuser = "me@example.org"\n'
                 'password = "${P}"\n[webhooks.leads]\nurl = "https://hooks.example/x"\n'
                 'format = "Teams"\n[delivery]\nmail_to = "a@example.org"\npost_to = ["leads"]\n')
    assert found.smtp == settings.Smtp("smtp.example.org", 587, True, False, "me@example.org",
                                       "${P}", "me@example.org")
    assert found.webhooks["leads"].format == "teams"
    assert found.mail_to == ("a@example.org",) and found.offers and found.warnings == ()
    tls = load(tmp_path, '[smtp]\nhost = "h"\ntls = true\nfrom = "a@b.example"\n').smtp
    assert (tls.port, tls.starttls, tls.tls) == (465, False, True)


@pytest.mark.parametrize("text, said", [
    ('[smtp]\nport = 25\nfrom = "a@b.c"\n', "[smtp] host must be given"),
    ('[smtp]\nhost = "h"\nport = 0\nfrom = "a@b.c"\n', "[smtp] port must be a port number"),
    ('[smtp]\nhost = "h"\nstarttls = "yes"\nfrom = "a@b.c"\n', "starttls must be true or false"),
    ('[smtp]\nhost = "h"\ntls = true\nstarttls = true\nfrom = "a@b.c"\n', "starttls must be"),
    ('[smtp]\nhost = "h"\n', "[smtp] from must be given"),
    ('[smtp]\nhost = "h"\npassword = "x"\nfrom = "a@b.c"\n', "[smtp] user must be given with"),
    ("smtp = 3\n", "[smtp] must be a table"),
    ('[webhooks.x]\nurl = "ftp://x"\n', "[webhooks.x] url must be an http or https url"),
    ('[webhooks.x]\nformat = "slack"\n', "[webhooks.x] url must be given"),
    ('[delivery]\npost_to = ["nope"]\n', "no webhook [webhooks.nope]"),
    ('[delivery]\nmail_to = ["a@b.c"]\n', "mail_to needs an [smtp] table"),
    ('[delivery]\nmail_to = [1]\n', "[delivery] mail_to must be a list of texts"),
    ("[smtp\n", "not a readable TOML file"),
])
def test_each_bad_field_is_named(tmp_path, text, said):
    with pytest.raises(CadenceError) as error:
        load(tmp_path, text)
    assert said in str(error.value) and str(tmp_path / "config.toml") in str(error.value)


def test_a_secret_written_out_in_a_readable_file_is_warned_about(tmp_path):
    text = ('[smtp]\nhost = "h"\nuser = "u@x.example"\npassword = "hunter2"\n'
            '[webhooks.a]\nurl = "https://hooks.example/T0/B0/XYZZY"\n'
            '[webhooks.b]\nurl = "${HOOK_B}"\n')
    warned = load(tmp_path, text, 0o644).warnings
    assert len(warned) == 2 and "[smtp] password" in warned[0] and "[webhooks.a]" in warned[1]
    assert "hunter2" not in " ".join(warned) and "XYZZY" not in " ".join(warned)
    assert load(tmp_path, text, 0o600).warnings == ()


def test_a_missing_file(tmp_path):
    with pytest.raises(CadenceError, match="no user config"):
        settings.load(tmp_path / "none.toml")
    assert not settings.load(tmp_path / "none.toml", required=False).offers
