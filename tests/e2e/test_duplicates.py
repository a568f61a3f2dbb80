"""Browser journey, in Russian, on a phone: a supervisor in Pavlodar searches the register for
duplicates, finds the same boy written in Kazakh Cyrillic and in passport Latin, reads the
evidence, merges the two records after confirming, and undoes the merge.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from qorgau.accounts.models import OrganisationType, Region
from qorgau.accounts.roles import Role
from qorgau.accounts.tests.factories import OrganisationFactory, user_with_role
from qorgau.cases import services
from qorgau.cases.duplicate_models import ChildMerge
from qorgau.cases.models import ChildName
from qorgau.cases.services import ChildInput, NameInput
from qorgau.core.workspaces import real_workspace
from tests.e2e.pages import no_sideways_scrolling, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_finds_merges_and_unmerges_a_duplicate_in_russian(
    live_server, reference_data, phone_page, screenshot
):
    pavlodar = Region.objects.get(key="KZ-55")
    social = OrganisationFactory(
        name="Управление социальной защиты Павлодарской области",
        type=OrganisationType.objects.get(key="social_protection"),
        region=pavlodar,
    )
    supervisor = user_with_role(
        Role.SUPERVISOR, social, username="supervisor.bolat", first_name="Болат"
    )
    workspace = real_workspace()
    for names, source in (
        (["Жұмабаев Қайрат Серікұлы"], "социальный работник"),
        (["ZHUMABAEV KAIRAT", "Жумабаев Кайрат"], "паспорт"),
        (["Сериков Марат"], ""),
    ):
        services.child_register(
            actor=supervisor,
            organisation=social,
            workspace=workspace,
            data=ChildInput(
                region=pavlodar,
                names=[NameInput(n, source=source) for n in names],
                birth_date=date(2012, 5, 4),
                sex="male",
            ),
        )

    phone = phone_page
    sign_in(phone, live_server, supervisor)
    phone.get_by_role("button", name="Русский").click()
    expect(phone.locator("html")).to_have_attribute("lang", "ru")

    phone.goto(f"{live_server.url}/cases/duplicates/")
    expect(phone.locator("h1")).to_have_text("Возможные дубликаты")
    phone.get_by_role("button", name="Искать сейчас").click()
    pair = phone.locator(".duplicate-pair")
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("Жұмабаев Қайрат Серікұлы")
    expect(pair).to_contain_text("ZHUMABAEV KAIRAT")
    expect(pair).to_contain_text("та же дата рождения")
    no_sideways_scrolling(phone)
    screenshot(phone, "1-pairs")

    pair.get_by_role("link", name="Основания и решение").click()
    expect(phone.locator("table.evidence")).to_contain_text("фамилия")
    no_sideways_scrolling(phone)
    screenshot(phone, "2-evidence")
    phone.get_by_role("button", name="Перейти к объединению").click()

    expect(phone).to_have_url(re.compile(r"/merge/\?keep=\d+"))
    expect(phone.locator("h1")).to_have_text("Объединить две записи")
    no_sideways_scrolling(phone)
    screenshot(phone, "3-confirm-merge")
    assert not ChildMerge.objects.in_workspace(workspace).exists()
    phone.get_by_role("button", name="Объединить записи").click()

    expect(phone.get_by_role("status")).to_contain_text("объединена")
    merge = ChildMerge.objects.in_workspace(workspace).get()
    assert ChildName.objects.in_workspace(workspace).filter(child=merge.survivor).count() == 3
    screenshot(phone, "4-merged")

    phone.get_by_role("link", name="Отменить объединение").click()
    phone.get_by_role("button", name="Отменить объединение").click()
    expect(phone.get_by_role("status")).to_contain_text("снова отдельная")
    merge.refresh_from_db()
    assert merge.unmerged_at is not None
    assert ChildName.objects.in_workspace(workspace).filter(child=merge.merged).count() == 2
    expect(phone.locator(".duplicate-pair")).to_have_count(1)
    screenshot(phone, "5-unmerged")

    phone.set_viewport_size({"width": 1280, "height": 900})
    phone.locator(".duplicate-pair a").first.click()
    expect(phone.locator("table.evidence")).to_be_visible()
    screenshot(phone, "6-evidence-wide")
