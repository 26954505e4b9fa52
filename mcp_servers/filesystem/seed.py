"""The text of the default world's files: dotfiles, projects, documents, notes, photos, logs, system files.

Every function draws its variety from the `rng` it is given and returns `{relative path: content}` (or lines), so
the tree layout and ownership live in `world.py` and the words live here. Contents are small but realistic enough
for grep, sort, cut, diff and wc to have something to find: TODO markers, CSV columns, log levels, near-duplicate
backups.
"""

import random
from datetime import datetime, timedelta

__all__ = [
    "PEOPLE",
    "password",
    "dotfiles",
    "python_project",
    "web_project",
    "data_project",
    "site_project",
    "scripts_project",
    "documents",
    "notes",
    "journal",
    "photos",
    "downloads",
    "log_lines",
    "etc_files",
    "web_root",
    "shared_docs",
]

PEOPLE = [
    ("maya", "Maya Chen"),
    ("alex", "Alex Moreau"),
    ("jordan", "Jordan Okafor"),
    ("priya", "Priya Raman"),
    ("samir", "Samir Haddad"),
    ("lena", "Lena Novak"),
    ("tomas", "Tomás Ibarra"),
    ("noor", "Noor Al-Sayed"),
]

_WORDS = ["tulip", "harbor", "copper", "meadow", "falcon", "ember", "quartz", "willow", "comet", "saffron"]
_CITIES = ["Lisbon", "Kyoto", "Oslo", "Montreal", "Cape Town", "Hanoi", "Porto", "Reykjavik", "Lima", "Tbilisi"]
_COMPANIES = ["Northwind", "Globex", "Initech", "Umbrella Labs", "Stark Analytics", "Hooli", "Vandelay"]
_CATEGORIES = ["rent", "groceries", "transport", "utilities", "dining", "books", "travel", "health", "gifts"]


def password(rng: random.Random) -> str:
    """A memorable password such as `copper-4821`."""
    return f"{rng.choice(_WORDS)}-{rng.randrange(1000, 10000)}"


def dotfiles(login: str, full_name: str, rng: random.Random) -> dict[str, str]:
    editor = rng.choice(["vim", "nano", "hx"])
    key = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(43))
    return {
        ".bashrc": (
            "# ~/.bashrc: executed by bash for non-login shells\n"
            f"export EDITOR={editor}\nexport PATH=\"$HOME/.local/bin:$PATH\"\n"
            "alias ll='ls -alF'\nalias gs='git status'\nHISTSIZE=5000\n"
        ),
        ".profile": "# ~/.profile\nif [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n",
        ".gitconfig": f"[user]\n\tname = {full_name}\n\temail = {login}@example.org\n[init]\n\tdefaultBranch = main\n",
        ".vimrc": "set number\nset expandtab\nset shiftwidth=4\nsyntax on\n",
        ".ssh/config": "Host build\n    HostName build.internal\n    User deploy\n    IdentityFile ~/.ssh/id_ed25519\n",
        ".ssh/known_hosts": "build.internal ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKeyForBuild\n",
        ".ssh/id_ed25519": f"-----BEGIN OPENSSH PRIVATE KEY-----\n{key}\n-----END OPENSSH PRIVATE KEY-----\n",
        ".ssh/id_ed25519.pub": f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5{key[:20]} {login}@workstation\n",
        ".config/htop/htoprc": "sort_key=PERCENT_CPU\ntree_view=1\nhide_kernel_threads=1\n",
        ".config/git/ignore": ".DS_Store\n*.swp\n__pycache__/\n",
        ".local/share/recently-used.txt": "Documents/budget-2026.csv\nnotes/todo.md\nprojects\n",
    }


def python_project(name: str, rng: random.Random) -> dict[str, str]:
    module = name.replace("-", "_")
    retries = rng.randrange(2, 6)
    timeout = rng.choice([5, 10, 15, 30])
    return {
        "README.md": f"# {name}\n\nA small command line tool.\n\n## Usage\n\n    python -m {module} --help\n",
        "pyproject.toml": (
            f"[project]\nname = \"{name}\"\nversion = \"0.{rng.randrange(1, 9)}.{rng.randrange(0, 10)}\"\n"
            "requires-python = \">=3.11\"\ndependencies = [\"httpx\", \"rich\"]\n"
        ),
        ".gitignore": "__pycache__/\n*.pyc\n.venv/\nbuild/\n",
        f"src/{module}/__init__.py": f'"""{name}."""\n\n__version__ = "0.1.0"\n',
        f"src/{module}/__main__.py": f"from {module}.cli import main\n\nmain()\n",
        f"src/{module}/cli.py": (
            "import argparse\n\n"
            f"from {module}.api import fetch\n\n\n"
            "def main() -> None:\n"
            "    parser = argparse.ArgumentParser()\n"
            "    parser.add_argument(\"query\")\n"
            "    args = parser.parse_args()\n"
            "    # TODO: pretty-print with rich\n"
            "    print(fetch(args.query))\n"
        ),
        f"src/{module}/api.py": (
            "import httpx\n\n"
            f"TIMEOUT = {timeout}\nRETRIES = {retries}\n\n\n"
            "def fetch(query: str) -> dict:\n"
            "    # FIXME: retries are not implemented yet\n"
            "    response = httpx.get(\"https://api.example.org/v1\", params={\"q\": query}, timeout=TIMEOUT)\n"
            "    response.raise_for_status()\n"
            "    return response.json()\n"
        ),
        f"src/{module}/units.py": (
            "def celsius_to_fahrenheit(value: float) -> float:\n    return value * 9 / 5 + 32\n\n\n"
            "def fahrenheit_to_celsius(value: float) -> float:\n    return (value - 32) * 5 / 9\n"
        ),
        "tests/test_units.py": (
            f"from {module}.units import celsius_to_fahrenheit\n\n\n"
            "def test_freezing_point():\n    assert celsius_to_fahrenheit(0) == 32\n"
        ),
        "tests/test_api.py": "# TODO: mock httpx and test fetch()\n",
        "docs/usage.md": f"# Using {name}\n\nRun `{name} <query>`. Set `TIMEOUT` in api.py.\n",
        "logs/debug.log": "",
    }


def web_project(name: str, rng: random.Random) -> dict[str, str]:
    port = rng.choice([3000, 5173, 8080])
    files = {
        "package.json": (
            f'{{\n  "name": "{name}",\n  "version": "1.{rng.randrange(0, 5)}.0",\n'
            '  "scripts": {"dev": "vite", "test": "vitest"},\n'
            '  "dependencies": {"lodash": "^4.17.21", "dayjs": "^1.11.10"}\n}\n'
        ),
        "README.md": f"# {name}\n\nDev server on port {port}.\n\n- [ ] add charts\n- [x] import CSV\n",
        ".env.example": f"PORT={port}\nAPI_URL=http://localhost:{port}/api\n",
        "src/index.js": "import { render } from './render.js';\n\nrender(document.getElementById('app'));\n",
        "src/render.js": (
            "import { total } from './utils.js';\n\n"
            "export function render(root) {\n  // TODO: show totals per category\n"
            "  root.textContent = `Total: ${total([])}`;\n}\n"
        ),
        "src/utils.js": (
            "export function total(items) {\n  return items.reduce((sum, item) => sum + item.amount, 0);\n}\n"
        ),
        "src/styles.css": "body { font-family: sans-serif; margin: 2rem; }\n",
        "test/utils.test.js": (
            "import { total } from '../src/utils.js';\n\ntest('empty', () => expect(total([])).toBe(0));\n"
        ),
    }
    for package in ("lodash", "dayjs", "vite"):
        version = f"{rng.randrange(1, 6)}.{rng.randrange(0, 20)}.{rng.randrange(0, 10)}"
        files[f"node_modules/{package}/package.json"] = f'{{"name": "{package}", "version": "{version}"}}\n'
        files[f"node_modules/{package}/index.js"] = f"module.exports = require('./{package}.min.js');\n"
        files[f"node_modules/{package}/{package}.min.js"] = "/* minified */ " + "x" * rng.randrange(800, 2400) + "\n"
    return files


def data_project(name: str, rng: random.Random) -> dict[str, str]:
    regions = ["north", "south", "east", "west"]
    rows = ["date,region,product,units,revenue"]
    for day in range(1, 41):
        units = rng.randrange(1, 60)
        rows.append(
            f"2025-{(day - 1) // 28 + 1:02d}-{(day - 1) % 28 + 1:02d},{rng.choice(regions)},"
            f"{rng.choice(['widget', 'gadget', 'gizmo'])},{units},{units * rng.choice([12, 15, 22]):.2f}"
        )
    return {
        "README.md": f"# {name}\n\nRaw exports go in data/raw, cleaned tables in data/clean.\n",
        "data/raw/sales.csv": "\n".join(rows) + "\n",
        "data/raw/regions.csv": "region,manager\n" + "".join(f"{r},{rng.choice(PEOPLE)[1]}\n" for r in regions),
        "data/clean/.keep": "",
        "sql/monthly.sql": "SELECT region, SUM(revenue) FROM sales GROUP BY region ORDER BY 2 DESC;\n",
        "notebooks/exploration.md": "## Findings\n\n- revenue peaks mid-month\n- TODO: check returns data\n",
        "output/summary.txt": "region totals pending\n",
    }


def site_project(title: str, rng: random.Random) -> dict[str, str]:
    color = rng.choice(["#2a6f97", "#7b2cbf", "#e76f51"])
    files = {
        "index.html": (
            f"<!doctype html>\n<html>\n<head><title>{title}</title></head>\n"
            f"<body>\n<h1>{title}</h1>\n</body>\n</html>\n"
        ),
        "about.html": "<!doctype html>\n<html><body><p>About me</p></body></html>\n",
        "css/style.css": f"h1 {{ color: {color}; }}\n",
        "js/app.js": "console.log('hello');\n",
    }
    for index in range(1, rng.randrange(4, 8)):
        files[f"images/hero-{index}.png"] = f"PNG placeholder {rng.randrange(800, 1920)}x{rng.randrange(400, 1080)}\n"
    return files


def scripts_project(rng: random.Random) -> dict[str, str]:
    return {
        "backup.sh": "#!/bin/sh\n# nightly backup of ~/Documents\ntar czf /srv/backups/docs.tgz ~/Documents\n",
        "cleanup-downloads.sh": "#!/bin/sh\nfind ~/Downloads -mtime +30 -delete\n",
        "sync-photos.sh": f"#!/bin/sh\nrsync -av ~/Photos/ nas:/photos/ --bwlimit={rng.randrange(500, 5000)}\n",
        "README.md": "Personal shell scripts. Make them executable before use.\n",
    }


def documents(full_name: str, rng: random.Random) -> dict[str, str]:
    budget = ["month,category,amount"]
    for month in range(1, 13):
        for category in rng.sample(_CATEGORIES, 4):
            budget.append(f"2026-{month:02d},{category},{rng.randrange(15, 1800)}.{rng.randrange(0, 100):02d}")
    contacts = ["name,email,phone,city"]
    for login, name in PEOPLE:
        contacts.append(f"{name},{login}@example.org,+1-555-{rng.randrange(1000, 10000)},{rng.choice(_CITIES)}")
    files = {
        "budget-2026.csv": "\n".join(budget) + "\n",
        "contacts.csv": "\n".join(contacts) + "\n",
        "Meeting notes 2026-02-12.txt": (
            "Attendees: team\n- ship the report by Friday\n- ACTION: update the budget spreadsheet\n"
        ),
        "résumé-2026.md": f"# {full_name}\n\nSoftware engineer. Experience at {rng.choice(_COMPANIES)}.\n",
        "reports/annual-review-2025.md": "# Annual review 2025\n\nGoals met: 4 of 5.\n",
    }
    for quarter in range(1, 5):
        revenue = rng.randrange(80, 400)
        files[f"reports/Quarterly Report Q{quarter} 2025.md"] = (
            f"# Q{quarter} 2025\n\nRevenue: {revenue}k\nStatus: {'DRAFT' if quarter == 4 else 'final'}\n"
        )
    for company in rng.sample(_COMPANIES, 3):
        slug = company.lower().replace(" ", "-")
        files[f"letters/cover-letter-{slug}.txt"] = (
            f"Dear {company} hiring team,\n\nI am applying for ...\n\n{full_name}\n"
        )
    for number in range(1, 25):
        client = rng.choice(_COMPANIES)
        amount = rng.randrange(200, 9000)
        status = rng.choice(["PAID", "PAID", "PAID", "OVERDUE", "DUE"])
        files[f"invoices/invoice-2025-{number:03d}.txt"] = (
            f"Invoice 2025-{number:03d}\nClient: {client}\nTotal: ${amount}.00\nStatus: {status}\n"
        )
    return files


def notes(rng: random.Random) -> dict[str, str]:
    todo = ["- [ ] renew passport", "- [x] file taxes", "- [ ] back up photos", "- [ ] fix the flaky test"]
    rng.shuffle(todo)
    return {
        "todo.md": "# TODO\n" + "\n".join(todo) + "\n",
        "ideas.md": "# Ideas\n\n- a CLI for the weather\n- plant watering reminder\n",
        "reading-list.md": "# Reading\n\n1. The Pragmatic Programmer\n2. Designing Data-Intensive Applications\n",
        "recipes/pancakes.md": "# Pancakes\n\n200g flour\n2 eggs\n300ml milk\n",
        "recipes/dal.md": "# Dal\n\n250g red lentils\n1 onion\n2 tsp cumin\n",
        ".draft-ideas.md": "half-formed thoughts, do not share\n",
    }


def journal(now: datetime, rng: random.Random, days: int) -> dict[str, str]:
    moods = ["calm", "busy", "tired", "great", "stressed", "productive"]
    entries = {}
    for back in range(days, 0, -1):
        day = (now - timedelta(days=back * 2)).date()
        entries[f"{day.isoformat()}.md"] = (
            f"# {day.isoformat()}\n\nMood: {rng.choice(moods)}\nWorked on {rng.choice(_WORDS)}.\n"
        )
    return entries


def photos(rng: random.Random) -> dict[str, str]:
    cameras = ["Pixel 8", "iPhone 15", "Fujifilm X-T4"]
    files = {}
    for year in (2024, 2025):
        for trip in rng.sample(_CITIES, 3):
            for index in range(rng.randrange(4, 9)):
                extension = rng.choice([".jpg", ".jpg", ".jpeg", ".JPG"])
                number = rng.randrange(1000, 9999)
                files[f"{year}/{trip}/IMG_{number}{extension}"] = (
                    f"JPEG placeholder, {rng.choice(cameras)}, taken in {trip}, {year}\n"
                )
    return files


def downloads(rng: random.Random) -> dict[str, str]:
    rows = ["id,name,score"] + [f"{i},{rng.choice(_WORDS)}-{i},{rng.randrange(0, 1000)}" for i in range(1, 1800)]
    return {
        "dataset-2025.csv": "\n".join(rows) + "\n",
        "invoice(1).pdf": "PDF placeholder: invoice from Northwind\n",
        "notes (copy).txt": "copy of meeting notes\n",
        "-rf": "a file whose name starts with a dash\n",
        ".partial-download.part": "incomplete\n",
        "setup-vscode-1.97.deb": "DEB placeholder " + "0" * 3000 + "\n",
        "paper draft final FINAL v2.docx": "DOCX placeholder\n",
    }


def log_lines(service: str, now: datetime, rng: random.Random, count: int) -> str:
    """`count` timestamped lines ending shortly before `now`, mostly INFO with some WARN and ERROR."""
    messages = {
        "INFO": ["request served", "job finished", "cache refreshed", "user logged in", "config reloaded"],
        "WARN": ["slow response", "disk usage above 80%", "retrying connection"],
        "ERROR": ["connection refused", "timeout talking to db", "permission denied writing cache"],
    }
    moment = now - timedelta(hours=count)
    lines = []
    for _ in range(count):
        moment += timedelta(minutes=rng.randrange(1, 90))
        level = rng.choices(["INFO", "WARN", "ERROR"], weights=[14, 3, 1])[0]
        lines.append(f"{moment:%Y-%m-%dT%H:%M:%S} {service} {level} {rng.choice(messages[level])}")
    return "\n".join(lines) + "\n"


def etc_files(hostname: str, passwd_lines: list[str], group_lines: list[str]) -> dict[str, str]:
    return {
        "hostname": f"{hostname}\n",
        "hosts": f"127.0.0.1 localhost\n127.0.1.1 {hostname}\n10.0.0.12 build.internal\n",
        "passwd": "\n".join(passwd_lines) + "\n",
        "group": "\n".join(group_lines) + "\n",
        "fstab": "UUID=4f1c-root / ext4 defaults 0 1\nUUID=88aa-home /home ext4 defaults 0 2\n",
        "motd": f"Welcome to {hostname}. Maintenance window: Sundays 02:00 UTC.\n",
        "nginx/nginx.conf": "worker_processes auto;\nhttp {\n    include sites-enabled/*;\n}\n",
        "nginx/sites-enabled/default": "server {\n    listen 80;\n    root /srv/www/site;\n}\n",
        "ssh/sshd_config": "PermitRootLogin no\nPasswordAuthentication no\n",
    }


def web_root(rng: random.Random) -> dict[str, str]:
    return {
        "index.html": "<!doctype html><html><body><h1>It works</h1></body></html>\n",
        "status.json": f'{{"status": "ok", "build": {rng.randrange(100, 999)}}}\n',
        "assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
    }


def shared_docs(rng: random.Random) -> dict[str, str]:
    return {
        "team-handbook.md": "# Team handbook\n\nOn-call rotation is weekly.\n",
        "oncall-schedule.csv": "week,person\n" + "".join(f"{w},{rng.choice(PEOPLE)[0]}\n" for w in range(1, 9)),
        "templates/incident-report.md": "# Incident\n\nSummary:\nImpact:\nTimeline:\n",
    }
