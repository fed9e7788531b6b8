"""Accounts, roles reaching tenants, passwords, session versions and tokens."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from core.audit.models import AuditEntry
from core.auth.context import load_session_user
from core.db import scoping
from core.db.engine import database
from core.errors import Forbidden, Invalid
from core.tenants.models import Tenant
from core.users import operations
from core.users.access import Access, SystemAccess
from core.users.models import Membership, User


def test_roles_reach_own_tenant_or_subtree(db, world):
    t = world.tenant
    ward_reviewer = Access.for_user(db, world.user("ward_reviewer"))
    assert ward_reviewer.roles_in(t("school-a1")) == {"reviewer"}
    assert ward_reviewer.roles_in(t("commune-b")) == set()
    assert ward_reviewer.roles_in(t("ha-noi")) == set()
    reporter = Access.for_user(db, world.user("ward_reporter"))
    assert reporter.roles_in(t("ward-a")) == {"reporter"}
    assert reporter.roles_in(t("school-a1")) == set(), "reporters do not reach the subtree"
    head = Access.for_user(db, world.user("a1_head"))
    assert not head.can_see(t("school-a2"))
    city = Access.for_user(db, world.user("city_admin"))
    assert city.is_admin_of(t("enterprise-b1"))
    context = city.tenant_context()
    assert all(context.can_read(t.id, t.path) for t in world.tenants.values())
    # The grants, not the units: one subtree path, whatever the size of the tree.
    assert context.read_paths == {t("ha-noi").path}


def test_viewer_reads_subtree_but_writes_nothing(db, world):
    viewer = Access.for_user(db, world.user("city_viewer"))
    context = viewer.tenant_context()
    assert all(context.can_read(t.id, t.path) for t in world.tenants.values())
    assert not any(context.can_write(t.id, t.path) for t in world.tenants.values())
    assert context.write_ids == frozenset() and context.write_paths == frozenset()


def test_deactivated_user_has_no_access(db, world):
    user = world.user("a1_head")
    operations.set_active(db, SystemAccess(db=db, user=None), user, False)
    db.commit()
    context = Access.for_user(db, user).tenant_context()
    assert not any(context.can_read(t.id, t.path) for t in world.tenants.values())


def test_authenticate_same_answer_and_audited(app, db, world):
    with app.test_request_context():
        assert operations.authenticate(db, "a1_head", world.password).username == "a1_head"
        assert operations.authenticate(db, "a1_head", "wrong-password") is None
        assert operations.authenticate(db, "nobody", "wrong-password") is None
    db.commit()
    failures = db.scalars(
        select(AuditEntry.actor_label).where(AuditEntry.action == "auth.login_failed")
    ).all()
    assert sorted(failures) == ["a1_head", "nobody"]


def test_password_change_and_deactivation_revoke_sessions(app, db, world):
    user = world.user("a1_head")
    system = SystemAccess(db=db, user=None)
    with app.app_context():
        cookie_id = user.get_id()
        assert load_session_user(cookie_id).id == user.id
        operations.set_password(db, system, user, "mat-khau-moi-123")
        db.commit()
        assert load_session_user(cookie_id) is None
        fresh = user.get_id()
        assert load_session_user(fresh).id == user.id
        operations.set_active(db, system, user, False)
        db.commit()
        assert load_session_user(fresh) is None
        assert load_session_user("not-a-uuid:1") is None


def test_a_qualified_name_fits_its_column():
    from core.tenants.models import Tenant
    from core.users.models import LOCAL_NAME_LENGTH, SLUG_LENGTH, USERNAME_LENGTH

    assert Tenant.__table__.c.slug.type.length == SLUG_LENGTH
    assert User.__table__.c.username.type.length == USERNAME_LENGTH == LOCAL_NAME_LENGTH + 1 + SLUG_LENGTH


def test_password_rules_and_username_rules(app, db, world):
    system = SystemAccess(db=db, user=None)
    with app.test_request_context():
        with pytest.raises(Invalid) as error:
            operations.create_user(db, system, "new.user", "short")
        assert list(error.value.errors) == ["password"]
        with pytest.raises(Invalid) as error:
            operations.create_user(db, system, "Người dùng", "long-enough-password")
        assert list(error.value.errors) == ["username"]
        with pytest.raises(Invalid) as error:
            operations.create_user(db, system, "A1_HEAD", "long-enough-password")
        assert "đã được sử dụng" in error.value.errors["username"][0]


def test_a_name_taken_between_the_check_and_the_insert_is_refused_as_taken(app, db, world, monkeypatch):
    """Two admins creating one name at once: the unique key refuses the second, which is told the
    name is taken (422 on username), not a server error, and its transaction goes on."""
    system = SystemAccess(db=db, user=None)
    # The other admin's account is committed after this one's check found the name free.
    monkeypatch.setattr(operations, "find_user", lambda _db, _name: None)
    with app.test_request_context():
        with pytest.raises(Invalid) as error:
            operations.create_user(db, system, "a1_head", "long-enough-password")
        assert error.value.errors == {"username": ["Tên đăng nhập này đã được sử dụng."]}
        made = operations.create_user(db, system, "nguoi.moi", "long-enough-password")
        db.commit()
        assert db.scalar(select(User.username).where(User.id == made.id)) == "nguoi.moi"


PASSWORD = "long-enough-password"
LOCAL_RULE = ("Từ 2 đến 60 ký tự: chữ cái không dấu a–z và chữ số; giữa hai chữ hoặc số có thể đặt "
              "một dấu chấm, gạch dưới hoặc gạch ngang (không ở đầu, ở cuối, không hai dấu liền nhau). "
              "Ví dụ: nguyen.van.an, vana2.")


@pytest.mark.parametrize("local", ["ab", "a1", "x.y", "nguyen.van.an", "a_b-c.d", "VanA", " vana ", "v" * 60,
                                   "0-9"])
def test_a_local_part_of_letters_and_digits_with_single_marks_between_is_accepted(app, db, world, local):
    with app.test_request_context():
        admin = Access.for_user(db, world.user("ward_admin"))
        made = operations.create_user(db, admin, local, PASSWORD, unit=world.tenant("school-a1"))
    assert made.username == local.strip().lower() + "@school-a1"


@pytest.mark.parametrize("local", ["x", "-", ".vana", "vana.", "a..b", "ab-", "_ab", "a.-b", "a b", "có",
                                   "vana!", ""])
def test_a_local_part_breaking_the_rule_is_refused_with_the_rule(app, db, world, local):
    with app.test_request_context():
        admin = Access.for_user(db, world.user("ward_admin"))
        with pytest.raises(Invalid) as error:
            operations.create_user(db, admin, local, "long-enough-password", unit=world.tenant("school-a1"))
    assert error.value.errors == {"username": [LOCAL_RULE]}


def test_a_local_part_typed_with_its_unit_is_told_the_unit_adds_it(app, db, world):
    with app.test_request_context():
        admin = Access.for_user(db, world.user("ward_admin"))
        for typed in ("vana@school-a1", "vana@", "@school-a1"):
            with pytest.raises(Invalid) as error:
                operations.create_user(db, admin, typed, PASSWORD, unit=world.tenant("school-a1"))
            assert error.value.errors == {"username": [
                "Chỉ gõ phần trước @: phần sau @ (@school-a1) được thêm tự động theo đơn vị đã chọn."]}
        with pytest.raises(Invalid) as error:
            operations.create_user(db, admin, "v" * 61, PASSWORD, unit=world.tenant("school-a1"))
        assert error.value.errors == {"username": ["Tối đa 60 ký tự."]}


def test_a_whole_name_chosen_with_system_access_keeps_its_rule(app, db, world):
    system = SystemAccess(db=db, user=None)
    with app.test_request_context():
        names = [operations.create_user(db, system, name, "long-enough-password").username
                 for name in ("vana.", "ab-", "a..b", "demo.admin")]
        assert names == ["vana.", "ab-", "a..b", "demo.admin"]
        for name in ("x", ".vana", "vana@ward-a"):
            with pytest.raises(Invalid) as error:
                operations.create_user(db, system, name, "long-enough-password")
            assert error.value.errors == {"username": [
                "Chỉ dùng chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."]}


def test_a_name_taken_in_the_unit_is_named_in_full(app, db, world, monkeypatch):
    with app.test_request_context():
        admin = Access.for_user(db, world.user("ward_admin"))
        operations.create_user(db, admin, "vana", "long-enough-password", unit=world.tenant("school-a1"))
        taken = {"username": ["Tên đăng nhập vana@school-a1 đã có trong đơn vị này."]}
        with pytest.raises(Invalid) as error:
            operations.create_user(db, admin, "VanA", "long-enough-password", unit=world.tenant("school-a1"))
        assert error.value.errors == taken
        # Taken between the check and the insert: the same words.
        monkeypatch.setattr(operations, "find_user", lambda _db, _name: None)
        with pytest.raises(Invalid) as error:
            operations.create_user(db, admin, "vana", "long-enough-password", unit=world.tenant("school-a1"))
        assert error.value.errors == taken


def test_an_account_made_in_a_unit_is_audited_there_with_the_address(app, db, world):
    unit = world.tenant("school-a1")
    with app.test_request_context():
        admin = Access.for_user(db, world.user("ward_admin"), ip="203.0.113.7")
        made = operations.create_user(db, admin, "vana", "long-enough-password", unit=unit)
        operations.add_membership(db, admin, made, unit, "reporter")
        system_made = operations.create_user(db, SystemAccess(db=db, user=None), "he.thong", PASSWORD)
    db.commit()
    entries = {(entry.action, entry.object_id): entry for entry in db.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(["user.create", "membership.add"])))}
    created, added = entries["user.create", str(made.id)], entries["membership.add", str(made.id)]
    assert (created.tenant_id, created.ip, created.actor_label) == (unit.id, "203.0.113.7", "ward_admin")
    assert (added.tenant_id, added.ip) == (unit.id, "203.0.113.7")
    # Named by a caller with system access, in no unit.
    assert entries["user.create", str(system_made.id)].tenant_id is None


def test_a_role_already_held_is_told_apart_and_not_audited_again(app, db, world):
    user, unit = world.user("a2_head"), world.tenant("school-a1")
    with app.test_request_context():
        admin = Access.for_user(db, world.user("ward_admin"))
        first, added = operations.grant_membership(db, admin, user, unit, "viewer")
        again, added_again = operations.grant_membership(db, admin, user, unit, "viewer")
        assert (added, added_again, again.id) == (True, False, first.id)
        assert operations.add_membership(db, admin, user, unit, "viewer").id == first.id
    db.commit()
    audited = db.scalars(select(AuditEntry).where(
        AuditEntry.action == "membership.add", AuditEntry.object_id == str(user.id),
        AuditEntry.tenant_id == unit.id)).all()
    assert len(audited) == 1


def test_only_admins_above_add_members(app, db, world):
    with app.test_request_context():
        ward_admin = Access.for_user(db, world.user("ward_admin"))
        a2_head = world.user("a2_head")
        operations.add_membership(db, ward_admin, a2_head, world.tenant("school-a1"), "viewer")
        with pytest.raises(Forbidden):
            operations.add_membership(db, ward_admin, a2_head, world.tenant("commune-b"), "viewer")
        head = Access.for_user(db, world.user("a1_head"))
        with pytest.raises(Forbidden):
            operations.add_membership(db, head, world.user("a2_head"), world.tenant("school-a1"), "head")


def test_tokens_are_stored_hashed_and_revocable(app, db, world):
    from core.users.models import ApiToken

    user = world.user("a1_head")
    with app.test_request_context():
        token = operations.issue_token(db, SystemAccess(db=db, user=None), user)
        db.commit()
        stored = db.scalars(select(ApiToken.digest)).all()
        assert token not in stored and len(stored) == 1
        assert operations.user_for_token(db, token).id == user.id
        assert operations.user_for_token(db, token + "x") is None
        operations.set_active(db, SystemAccess(db=db, user=None), user, False)
        assert operations.user_for_token(db, token) is None


def test_only_admins_create_accounts_and_lock_only_what_they_manage(app, db, world):
    with app.test_request_context():
        head = Access.for_user(db, world.user("a1_head"))
        with pytest.raises(Forbidden):
            operations.create_user(db, head, "moi.nguoi", "long-enough-password")
        ward_admin = Access.for_user(db, world.user("ward_admin"))
        # A unit's admin names accounts within a unit it administers, never platform-wide.
        with pytest.raises(Forbidden):
            operations.create_user(db, ward_admin, "moi.nguoi", "long-enough-password")
        with pytest.raises(Forbidden):
            operations.create_user(db, ward_admin, "moi.nguoi", "long-enough-password",
                                   unit=world.tenant("commune-b"))
        made = operations.create_user(db, ward_admin, "moi.nguoi", "long-enough-password",
                                      unit=world.tenant("school-a1"))
        assert made.username == "moi.nguoi@school-a1"
        operations.set_active(db, ward_admin, world.user("a1_head"), False)
        assert world.user("a1_head").active is False
        city_admin = Access.for_user(db, world.user("city_admin"))
        operations.add_membership(db, city_admin, world.user("a2_head"), world.tenant("commune-b"), "viewer")
        with pytest.raises(Forbidden):
            operations.set_active(db, ward_admin, world.user("a2_head"), False)
        with pytest.raises(Invalid):
            operations.set_active(db, ward_admin, world.user("ward_admin"), False)


def test_logout_ends_a_copied_session_cookie(client_as, app):
    from core.testing import csrf_token_from

    client = client_as("a1_head")
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    answer = thief.get("/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_two_grants_of_one_role_at_once_meet_at_the_unique_key(app, db, world):
    """Two admins granting one role at once: on PostgreSQL the second insert waits on the first
    one's unique key and, once it commits, finds the first one's row. One membership and one
    audit entry stay; the second is told nothing changed, not a server error."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("a second writer waits on the unique key on PostgreSQL; SQLite runs one "
                    "writer at a time (the PostgreSQL leg runs this)")
    user_id, tenant_id = world.user("a2_head").id, world.tenant("school-a1").id
    sessions = {name: database(app).new_session() for name in ("first", "second")}
    answers: dict[str, tuple] = {}

    def grant(name: str) -> None:
        s = sessions[name]
        scoping.set_context(s, scoping.TenantContext.system_context())
        with app.test_request_context():
            membership, new = operations.grant_membership(
                s, SystemAccess(db=s, user=None), s.get(User, user_id), s.get(Tenant, tenant_id), "viewer")
            answers[name] = (membership.id, new)
        s.commit()

    try:
        scoping.set_context(sessions["first"], scoping.TenantContext.system_context())
        with app.test_request_context():
            membership, new = operations.grant_membership(
                sessions["first"], SystemAccess(db=sessions["first"], user=None),
                sessions["first"].get(User, user_id), sessions["first"].get(Tenant, tenant_id), "viewer")
            answers["first"] = (membership.id, new)
        second = threading.Thread(target=grant, args=("second",))
        second.start()
        # The first grant is inserted, not committed: the second's insert waits on its key.
        waiting = 0
        for _ in range(600):
            waiting = db.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                     "current_database() AND wait_event_type = 'Lock'"))
            db.rollback()
            if waiting:
                break
            threading.Event().wait(0.05)
        assert waiting, "the second grant never waited on the first one's key"
        sessions["first"].commit()
        second.join(timeout=60)
        assert not second.is_alive()
    finally:
        for s in sessions.values():
            s.close()
    assert answers["first"][1] is True and answers["second"] == (answers["first"][0], False)
    held = db.scalars(select(Membership).where(Membership.user_id == user_id,
                                               Membership.tenant_id == tenant_id,
                                               Membership.role == "viewer")).all()
    assert len(held) == 1
    audited = db.scalars(select(AuditEntry).where(AuditEntry.action == "membership.add",
                                                  AuditEntry.tenant_id == tenant_id)).all()
    assert [entry.changes for entry in audited if entry.object_id == str(user_id)] == [
        {"role": [None, "viewer"]}]
