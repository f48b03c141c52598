"""A thin wrapper around Selenium for the browser tests: Debian's Chromium, headless, offline.

The driver is started with an explicit ChromeDriver path so Selenium never tries to download one
(there is no network here), and with a Chinese Accept-Language: the app picks the language from the
browser, and headless Chromium would otherwise ask for English.
"""

from __future__ import annotations

import os
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 15
DESKTOP = (1280, 900)
PHONE = (390, 844)


def available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def start_chromium(profile: Path) -> WebDriver:
    # selenium-manager would try to fetch a driver over the network; the path below is all it needs
    os.environ["SE_OFFLINE"] = "1"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",  # the tests run as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    return driver


class Browser:
    """One headless Chromium against a live server, with the few moves the tests need."""

    def __init__(self, driver: WebDriver, base_url: str, shots: Path) -> None:
        self.driver = driver
        self.base_url = base_url.rstrip("/")
        self.shots = shots
        self.saved: list[Path] = []

    # ------------------------------------------------------------ waiting and finding

    def wait(self, seconds: float = WAIT_SECONDS) -> WebDriverWait:
        return WebDriverWait(self.driver, seconds, ignored_exceptions=(StaleElementReferenceException,))

    def find(self, css: str) -> WebElement:
        return self.wait().until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def button(self, text: str, within: WebElement | None = None) -> WebElement:
        """A submit button by its visible text (the UI's words are its most stable handle)."""
        scope = within or self.driver
        xpath = f".//button[normalize-space()='{text}']"
        return self.wait().until(lambda _d: scope.find_element(By.XPATH, xpath))

    def link(self, text: str) -> WebElement:
        xpath = f"//a[normalize-space()='{text}']"
        return self.wait().until(lambda d: d.find_element(By.XPATH, xpath))

    def loaded(self) -> None:
        self.wait().until(lambda d: d.execute_script("return document.readyState") == "complete")

    def field(self, label: str) -> str:
        """The value beside a <th> label in a two-column table (a notice's 状态, an item's 预警)."""
        xpath = f"//tr[th[normalize-space()='{label}']]/td"
        return self.wait().until(lambda d: d.find_element(By.XPATH, xpath)).text

    def htmx_ready(self) -> None:
        self.wait().until(lambda d: d.execute_script("return typeof window.htmx !== 'undefined'"))

    def messages(self) -> list[str]:
        return [li.text for li in self.find_all("ul.messages li")]

    # ------------------------------------------------------------ navigating

    def visit(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self.loaded()

    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base_url)

    def navigate_by(self, element: WebElement) -> None:
        """Click something that loads a new page and wait until the new page is there.

        The old page is marked on its window object, which a new document does not inherit. Asking
        whether an old element went stale instead races the navigation: mid-way Chromium may answer
        with an inspector error rather than "stale", so any driver error while the page changes is
        taken as "not there yet".
        """
        self.driver.execute_script("window.__luoshiLeaving = true")
        element.click()
        WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return window.__luoshiLeaving === undefined && document.readyState === 'complete'"
            )
        )

    def login(self, username: str, password: str) -> None:
        self.visit("/login/")
        self.find("input[name=username]").send_keys(username)
        self.find("input[name=password]").send_keys(password)
        self.navigate_by(self.button("登录"))
        assert not self.path().startswith("/login/"), f"login as {username} failed"

    def logout(self) -> None:
        self.navigate_by(self.find("header form[action='/logout/'] button"))
        assert self.path().startswith("/login/")

    def set_value(self, element: WebElement, value: str) -> None:
        """Set an input's value directly: date inputs take keystrokes in the browser's locale format."""
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            element,
            value,
        )

    def resize(self, size: tuple[int, int]) -> None:
        self.driver.set_window_size(*size)
        self.wait().until(lambda d: d.execute_script("return window.innerWidth") <= size[0])

    def scrolls_sideways(self) -> bool:
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth + 1"
        )

    # ------------------------------------------------------------ evidence

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), f"screenshot {name} was not written"
        self.saved.append(path)
        return path
