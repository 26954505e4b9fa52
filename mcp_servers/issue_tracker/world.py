"""The tracker's state: projects, people and their project roles, issues, comments, issue links and sprints.

Issue keys are `<PROJECT>-<n>`, numbered per project in order of creation (the world's counter for the project key
continues the numbering for new issues). Subtasks carry no story points and always sit in their parent's sprint;
epics sit in no sprint. A sprint's committed points are the story points of the issues in it and may not exceed
its capacity. The person using the tools is `signed_in_user_id`, an admin of every project: new issues and comments
are theirs.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Entity, World

_ID = Field(min_length=1, max_length=40)
ProjectKey = Annotated[str, Entity("tracker_project"), _ID]
UserId = Annotated[str, Entity("tracker_user"), _ID]
IssueKey = Annotated[str, Entity("issue"), _ID]
EpicKey = Annotated[str, Entity("epic"), _ID]
SprintId = Annotated[str, Entity("sprint"), _ID]
CommentId = Annotated[str, Entity("issue_comment"), _ID]
LinkId = Annotated[str, Entity("issue_link"), _ID]

IssueType = Literal["epic", "story", "task", "bug", "subtask"]
IssueStatus = Literal["open", "in_progress", "in_review", "done"]
Resolution = Literal["fixed", "done", "duplicate", "wont_do"]
Priority = Literal["highest", "high", "medium", "low", "lowest"]
Role = Literal["admin", "developer", "viewer"]
Workflow = Literal["standard", "lightweight"]
SprintState = Literal["planned", "active", "closed"]
LinkType = Literal["blocks", "duplicates", "relates_to"]

STORY_POINT_SCALE = (0, 1, 2, 3, 5, 8, 13, 21)
PRIORITY_RANK: dict[str, int] = {"highest": 0, "high": 1, "medium": 2, "low": 3, "lowest": 4}
ASSIGNABLE_ROLES: tuple[Role, ...] = ("admin", "developer")
WORKFLOWS: dict[str, dict[str, tuple[IssueStatus, ...]]] = {
    "standard": {
        "open": ("in_progress", "done"),
        "in_progress": ("open", "in_review"),
        "in_review": ("in_progress", "done"),
        "done": ("open",),
    },
    "lightweight": {
        "open": ("in_progress", "done"),
        "in_progress": ("open", "done"),
        "done": ("open",),
    },
}
"""Allowed moves per workflow. Going from open straight to done only closes an issue as duplicate or wont_do."""
CLOSE_WITHOUT_WORK: tuple[Resolution, ...] = ("duplicate", "wont_do")


class ProjectRole(BaseModel):
    project_key: ProjectKey
    role: Role


class TrackerUser(BaseModel):
    user_id: UserId
    name: str
    email: str
    title: str
    active: bool = Field(description="False for deactivated accounts (people who left); they cannot be assigned.")
    roles: list[ProjectRole]


class Project(BaseModel):
    project_key: ProjectKey
    name: str
    description: str
    lead_id: UserId
    workflow: Workflow


class Issue(BaseModel):
    issue_key: IssueKey
    project_key: ProjectKey
    type: IssueType
    summary: str
    description: str
    status: IssueStatus
    resolution: Resolution | None = None
    priority: Priority
    assignee_id: UserId | None = None
    reporter_id: UserId
    labels: list[str]
    story_points: int | None = None
    sprint_id: SprintId | None = None
    epic_key: EpicKey | None = None
    parent_key: IssueKey | None = Field(None, description="Subtasks only: the issue this subtask belongs to.")
    watcher_ids: list[UserId]
    created_at: datetime
    updated_at: datetime


class Comment(BaseModel):
    comment_id: CommentId
    issue_key: IssueKey
    author_id: UserId
    body: str
    created_at: datetime


class IssueLink(BaseModel):
    link_id: LinkId
    source_key: IssueKey
    link_type: LinkType = Field(description="Read as: source blocks / duplicates / relates to target.")
    target_key: IssueKey


class Sprint(BaseModel):
    sprint_id: SprintId
    project_key: ProjectKey
    name: str
    goal: str
    state: SprintState
    start_date: date
    end_date: date
    capacity_points: int
    completed_on: date | None = None


@dataclass(frozen=True)
class _ProjectPlan:
    """What the generator builds one project from."""

    key: str
    name: str
    description: str
    workflow: Workflow
    members: tuple[tuple[str, Role], ...]
    sprint_states: tuple[SprintState, ...]
    labels: tuple[str, ...]
    epics: tuple[str, ...]
    features: tuple[str, ...]
    chores: tuple[str, ...]
    components: tuple[str, ...]


_PEOPLE: tuple[tuple[str, str, bool], ...] = (
    ("Dana Whitfield", "Engineering Manager", True),
    ("Priya Raman", "Staff Engineer", True),
    ("Marcus Bell", "Senior Engineer", True),
    ("Sofia Alvarez", "Frontend Engineer", True),
    ("Tom Okafor", "Frontend Engineer", False),
    ("Hannah Kim", "Full-Stack Engineer", True),
    ("Lena Fischer", "Product Designer", True),
    ("Kenji Watanabe", "Mobile Lead", True),
    ("Aisha Mensah", "iOS Engineer", True),
    ("Lucas Moreau", "Android Engineer", True),
    ("Chloe Martin", "Android Engineer", False),
    ("Rachel Stein", "Product Manager", True),
    ("Ivan Petrov", "QA Engineer", True),
    ("Omar Haddad", "Payments Lead", True),
    ("Nina Petrova", "Backend Engineer", True),
    ("Diego Santos", "Backend Engineer", True),
    ("Grace Liu", "Backend Engineer", True),
    ("Ben Carter", "Support Lead", True),
    ("Erik Johansson", "SRE Lead", True),
    ("Fatima Zahra", "Site Reliability Engineer", True),
    ("Sam Reyes", "DevOps Engineer", True),
    ("Julia Novak", "Data Analyst", True),
)


def user_id_for(name: str) -> str:
    """`Dana Whitfield` -> `dwhitfield`."""
    first, last = name.lower().split(" ", 1)
    return first[0] + last.replace(" ", "").replace("-", "")


_SYMPTOMS = (
    "fails on Safari", "times out under load", "shows the wrong total", "returns 500 for some users",
    "ignores the locale setting", "is slow on first load", "drops the last item", "double-submits on retry",
    "renders blank after update", "leaks memory over time", "logs sensitive data", "breaks after daylight saving",
)
_PLANS: tuple[_ProjectPlan, ...] = (
    _ProjectPlan(
        key="WEB",
        name="Storefront Web",
        description="Customer-facing web shop: catalog, cart, checkout and account pages.",
        workflow="standard",
        members=(
            ("praman", "admin"), ("dwhitfield", "admin"), ("mbell", "developer"), ("salvarez", "developer"),
            ("tokafor", "developer"), ("hkim", "developer"), ("gliu", "developer"), ("lfischer", "viewer"),
            ("bcarter", "viewer"), ("rstein", "viewer"),
        ),
        sprint_states=("closed", "closed", "active", "planned"),
        labels=("frontend", "checkout", "seo", "accessibility", "tech-debt", "customer-reported", "performance"),
        epics=("Checkout redesign", "Search relevance", "Accessibility audit fixes", "Account self-service"),
        features=(
            "Guest checkout without an account", "Save cart across devices", "Product comparison table",
            "One-click reorder from order history", "Gift card redemption at checkout", "Size guide on product pages",
            "Recently viewed products carousel", "Back-in-stock email alerts", "Multi-currency price display",
            "Store pickup option at checkout", "Product questions and answers", "Bundle discounts in cart",
            "Keyboard navigation for menus", "Saved addresses in account page", "Order cancellation by customers",
            "Search suggestions while typing",
        ),
        chores=(
            "Upgrade React to 18.3", "Remove legacy jQuery widgets", "Add Playwright smoke tests for checkout",
            "Split product page bundle", "Move feature flags to LaunchDarkly", "Audit third-party scripts",
            "Migrate styles to CSS modules", "Add sitemap generation job", "Set up visual regression tests",
            "Clean up unused translation keys", "Document the checkout state machine", "Enable HTTP/3 on the CDN",
            "Replace moment.js with date-fns", "Add error budget dashboard for web", "Rotate the analytics API key",
            "Tune image lazy loading thresholds",
        ),
        components=(
            "Checkout page", "Product search", "Cart drawer", "Login form", "Wishlist", "Order history page",
            "Coupon field", "Product image gallery", "Address autocomplete", "Category filters",
        ),
    ),
    _ProjectPlan(
        key="MOB",
        name="Mobile App",
        description="iOS and Android shopping app.",
        workflow="standard",
        members=(
            ("kwatanabe", "admin"), ("dwhitfield", "admin"), ("amensah", "developer"), ("lmoreau", "developer"),
            ("cmartin", "developer"), ("ipetrov", "developer"), ("hkim", "developer"), ("rstein", "viewer"),
            ("lfischer", "viewer"),
        ),
        sprint_states=("closed", "active", "planned"),
        labels=("ios", "android", "crash", "ux", "release-blocker", "tech-debt", "customer-reported"),
        epics=("Offline mode", "App store rating push", "Android 15 readiness", "Loyalty program in app"),
        features=(
            "Scan a barcode to find a product", "Push notification preferences screen", "Biometric login",
            "Live order tracking map", "Apple Pay and Google Pay checkout", "Home screen widget for orders",
            "Share wishlist with a link", "In-app chat with support", "Dark mode", "Loyalty points balance card",
            "Reorder from push notification", "Tablet two-pane layout", "Offline browsing of saved items",
            "Store locator with opening hours", "In-app review prompt after delivery", "Voice search",
        ),
        chores=(
            "Upgrade to Kotlin 2.0", "Migrate iOS networking to async/await", "Set up Firebase Crashlytics alerts",
            "Reduce Android APK size", "Automate App Store screenshots", "Remove deprecated Swift 4 code",
            "Add snapshot tests for cart screens", "Pin third-party SDK versions", "Adopt Jetpack Compose for profile",
            "Rotate push certificates", "Split the monolithic iOS target", "Speed up CI builds with caching",
            "Update privacy manifest for iOS 18", "Document the release train", "Enable R8 full mode",
            "Add accessibility labels to icons",
        ),
        components=(
            "iOS push notifications", "Android deep links", "Offline cart sync", "Barcode scanner", "App onboarding",
            "Biometric login", "Order tracking map", "Android tablet layout", "Image cache", "Apple Pay sheet",
        ),
    ),
    _ProjectPlan(
        key="PAY",
        name="Payments Platform",
        description="Payment processing, refunds, invoicing and fraud checks.",
        workflow="standard",
        members=(
            ("ohaddad", "admin"), ("dwhitfield", "admin"), ("npetrova", "developer"), ("dsantos", "developer"),
            ("gliu", "developer"), ("mbell", "developer"), ("bcarter", "viewer"),
        ),
        sprint_states=("closed", "active"),
        labels=("refunds", "compliance", "fraud", "pci", "incident", "tech-debt", "customer-reported"),
        epics=("PSD2 strong authentication", "Refund automation", "Invoice v2", "Fraud model rollout"),
        features=(
            "Partial refunds from the admin panel", "Automatic refund for cancelled orders", "Invoice PDF in Spanish",
            "Store credit as refund method", "Split payment across two cards", "Pay by bank transfer",
            "Fraud review queue for agents", "Chargeback evidence upload", "Monthly merchant statements",
            "Retry failed subscription charges", "Refund status email to customers", "Buy now pay later option",
            "Saved cards management API", "Currency conversion on invoices", "Payout schedule per merchant",
            "Dispute webhooks for partners",
        ),
        chores=(
            "Upgrade Stripe API version", "Rotate PCI audit credentials", "Add idempotency keys to refund API",
            "Backfill missing ledger entries", "Load test the payment gateway", "Archive 2023 settlement files",
            "Move fraud rules to config service", "Add tracing to payout jobs", "Document refund edge cases",
            "Remove the legacy PayPal adapter", "Encrypt card fingerprints at rest", "Add alerts on webhook lag",
            "Review PSD2 exemption logic", "Migrate ledger to Postgres 16", "Clean up failed payout retries",
            "Update tax tables for Q2",
        ),
        components=(
            "Refund API", "Invoice PDF export", "3-D Secure challenge", "Payout reconciliation", "Webhook retries",
            "Currency rounding", "Fraud score service", "Chargeback report", "Tax calculation", "Ledger export",
        ),
    ),
    _ProjectPlan(
        key="OPS",
        name="Platform Ops",
        description="Infrastructure, CI/CD, monitoring and on-call tooling.",
        workflow="lightweight",
        members=(
            ("ejohansson", "admin"), ("dwhitfield", "admin"), ("fzahra", "developer"), ("sreyes", "developer"),
            ("mbell", "developer"), ("praman", "viewer"), ("ohaddad", "viewer"),
        ),
        sprint_states=("planned",),
        labels=("infra", "ci", "monitoring", "security", "cost", "on-call", "tech-debt"),
        epics=("Kubernetes 1.30 upgrade", "Observability stack", "Cost reduction", "Disaster recovery drill"),
        features=(
            "Self-service preview environments", "One-click rollback in the deploy tool", "On-call handover report",
            "Per-team cloud cost dashboard", "Automatic TLS certificate renewal", "Chat alerts for failed deploys",
            "Database branch per pull request", "Runbook links in every alert", "Canary deploys for the API",
            "Nightly restore test of backups", "Service catalog with owners", "Ephemeral CI runners",
            "Audit log for production access", "Deploy freeze calendar", "Synthetic checks for checkout",
            "Quota alerts for cloud projects",
        ),
        chores=(
            "Upgrade Terraform to 1.8", "Rotate database credentials", "Delete unused S3 buckets",
            "Patch OpenSSL on bastion hosts", "Move logs to cold storage after 30 days", "Resize the staging cluster",
            "Update the incident response runbook", "Renew the wildcard certificate", "Pin base Docker images",
            "Decommission the old Jenkins server", "Tune Postgres autovacuum", "Add disk alerts to replicas",
            "Review IAM roles for contractors", "Archive old Grafana dashboards", "Bump Helm charts to latest",
            "Clean up stale DNS records",
        ),
        components=(
            "Staging deploy pipeline", "Grafana dashboards", "Log retention job", "Kubernetes autoscaler",
            "Backup restore script", "PagerDuty routing", "Terraform state", "CDN cache purge", "Postgres replica",
            "Secrets rotation",
        ),
    ),
)
_SUBTASKS = (
    "Write unit tests", "Update API documentation", "Add analytics events", "QA on staging", "Design review",
    "Add feature flag", "Database migration", "Accessibility check", "Load test", "Update release notes",
)
_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "bug": (
        "Seen in production since the last release.", "Reported by several customers through support.",
        "Reproducible on staging with a fresh account.", "Happens intermittently, about 1 in 20 attempts.",
    ),
    "story": (
        "Acceptance: works on desktop and mobile.", "Ship behind a feature flag first.",
        "Designs are linked in the epic.", "Agreed with product in the last planning.",
    ),
    "task": (
        "Keep the change backwards compatible.", "Pair with the owning team before merging.", "Timebox to two days.",
    ),
}
_COMMENTS = (
    "Can reproduce on staging.", "PR is up for review.", "Blocked until the API change ships.",
    "Scope looks bigger than estimated.", "Added screenshots to the ticket.", "Customer confirmed the fix.",
    "Needs design input before we start.", "Deployed to staging, please verify.", "Pairing on this tomorrow.",
    "Could this wait for the next sprint?", "Root cause found, fix in progress.", "QA passed on both platforms.",
    "Adding this to the release notes.", "Please keep support in the loop.",
)
_SPRINT_GOALS = (
    "Ship the remaining checkout fixes", "Stabilise the release candidate", "Burn down customer-reported bugs",
    "Finish the epic's core stories", "Reduce open incidents", "Prepare for the quarterly release",
)


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=timezone.utc)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole minute between `start` and `end` (or `start` when the window is empty)."""
    minutes = int((end - start).total_seconds() // 60)
    return start + timedelta(minutes=rng.randint(0, max(minutes, 0)))


class IssueTrackerWorld(World):
    server: ClassVar[str] = "issue_tracker"

    signed_in_user_id: UserId = "dwhitfield"
    projects: dict[str, Project] = Field(default_factory=dict)
    users: dict[str, TrackerUser] = Field(default_factory=dict)
    issues: dict[str, Issue] = Field(default_factory=dict)
    sprints: dict[str, Sprint] = Field(default_factory=dict)
    comments: dict[str, Comment] = Field(default_factory=dict)
    links: dict[str, IssueLink] = Field(default_factory=dict)

    # ----- queries shared by the tools -----

    def role_in(self, user: TrackerUser, project_key: str) -> Role | None:
        return next((entry.role for entry in user.roles if entry.project_key == project_key), None)

    def subtasks_of(self, issue_key: str) -> list[Issue]:
        return [issue for issue in self.issues.values() if issue.parent_key == issue_key]

    def epic_children(self, epic_key: str) -> list[Issue]:
        return [issue for issue in self.issues.values() if issue.epic_key == epic_key]

    def unresolved_blockers(self, issue_key: str) -> list[Issue]:
        """Issues that block `issue_key` and are not done yet."""
        blockers = (
            self.issues[link.source_key]
            for link in self.links.values()
            if link.link_type == "blocks" and link.target_key == issue_key
        )
        return [issue for issue in blockers if issue.status != "done"]

    def sprint_issues(self, sprint_id: str) -> list[Issue]:
        return [issue for issue in self.issues.values() if issue.sprint_id == sprint_id]

    def committed_points(self, sprint_id: str) -> int:
        return sum(issue.story_points or 0 for issue in self.sprint_issues(sprint_id))

    def active_sprint(self, project_key: str) -> Sprint | None:
        return next(
            (s for s in self.sprints.values() if s.project_key == project_key and s.state == "active"), None
        )

    # ----- generation -----

    def generate(self, rng: random.Random) -> None:
        for name, title, active in _PEOPLE:
            user_id = user_id_for(name)
            email = f"{name.lower().replace(' ', '.')}@northwind.dev"
            self.users[user_id] = TrackerUser(
                user_id=user_id, name=name, email=email, title=title, active=active, roles=[]
            )
        for plan in _PLANS:
            for user_id, role in plan.members:
                self.users[user_id].roles.append(ProjectRole(project_key=plan.key, role=role))
            self._generate_project(rng, plan)
        self._generate_cross_project_links(rng)
        self._generate_comments(rng)

    def _generate_project(self, rng: random.Random, plan: _ProjectPlan) -> None:
        lead = plan.members[0][0]
        self.projects[plan.key] = Project(
            project_key=plan.key, name=plan.name, description=plan.description, lead_id=lead, workflow=plan.workflow
        )
        sprints = self._plan_sprints(rng, plan)
        drafts = _ProjectDrafts(self, rng, plan, sprints)
        drafts.build()
        keys = drafts.commit()
        for source, link_type, target in drafts.links:
            link_id = self.next_id("LNK")
            self.links[link_id] = IssueLink(
                link_id=link_id, source_key=keys[source], link_type=link_type, target_key=keys[target]
            )
        for sprint in sprints:
            committed = self.committed_points(sprint.sprint_id)
            slack = {"closed": (0, 6), "active": (1, 3), "planned": (8, 14)}[sprint.state]
            sprint.capacity_points = committed + rng.randint(*slack)

    def _plan_sprints(self, rng: random.Random, plan: _ProjectPlan) -> list[Sprint]:
        """Consecutive two-week sprints; the active one started a few days ago, a lone planned one starts soon."""
        today = self.now.date()
        states = plan.sprint_states
        if "active" in states:
            first_start = today - timedelta(days=rng.randint(2, 9) + 14 * states.index("active"))
        else:
            first_start = today + timedelta(days=rng.randint(1, 6))
        number = rng.randint(8, 30)
        sprints = []
        for index, state in enumerate(states):
            start = first_start + timedelta(days=14 * index)
            sprint = Sprint(
                sprint_id=self.next_id("SPR"),
                project_key=plan.key,
                name=f"{plan.key} Sprint {number + index}",
                goal=rng.choice(_SPRINT_GOALS),
                state=state,
                start_date=start,
                end_date=start + timedelta(days=14),
                capacity_points=0,
                completed_on=start + timedelta(days=14) if state == "closed" else None,
            )
            self.sprints[sprint.sprint_id] = sprint
            sprints.append(sprint)
        return sprints

    def _generate_cross_project_links(self, rng: random.Random) -> None:
        """Payments work that blocks storefront work, and a few related issues across projects."""
        pay = [i for i in self.issues.values() if i.project_key == "PAY" and i.type in ("story", "task")]
        web = [i for i in self.issues.values() if i.project_key == "WEB" and i.type in ("story", "bug")]
        for source, target in zip(rng.sample(pay, 3), rng.sample(web, 3)):
            link_type: LinkType = "blocks" if source.status == "done" or target.status != "done" else "relates_to"
            link_id = self.next_id("LNK")
            self.links[link_id] = IssueLink(
                link_id=link_id, source_key=source.issue_key, link_type=link_type, target_key=target.issue_key
            )

    def _generate_comments(self, rng: random.Random) -> None:
        members: dict[str, list[str]] = {}
        for user in self.users.values():
            for entry in user.roles:
                members.setdefault(entry.project_key, []).append(user.user_id)
        drafts: list[tuple[datetime, str, str, str]] = []
        for issue in self.issues.values():
            if issue.type == "epic" or rng.random() > 0.3:
                continue
            for _ in range(rng.randint(1, 2)):
                moment = _between(rng, issue.created_at, issue.updated_at)
                author = rng.choice(members[issue.project_key])
                drafts.append((moment, issue.issue_key, author, rng.choice(_COMMENTS)))
        for moment, issue_key, author, body in sorted(drafts, key=lambda draft: draft[0]):
            comment_id = self.next_id("CMT")
            self.comments[comment_id] = Comment(
                comment_id=comment_id, issue_key=issue_key, author_id=author, body=body, created_at=moment
            )


class _ProjectDrafts:
    """The issues and links of one project, drafted under temporary keys, then numbered in order of creation."""

    def __init__(self, world: IssueTrackerWorld, rng: random.Random, plan: _ProjectPlan, sprints: list[Sprint]):
        self.world = world
        self.rng = rng
        self.plan = plan
        self.sprints = sprints
        self.now = world.now
        self.issues: list[Issue] = []
        self.links: list[tuple[str, LinkType, str]] = []
        self.developers = [uid for uid, role in plan.members if role != "viewer" and world.users[uid].active]
        self.engineers = [uid for uid, role in plan.members if role != "viewer"]
        self.everyone = [uid for uid, _ in plan.members]
        self.features = rng.sample(plan.features, len(plan.features))
        self.chores = rng.sample(plan.chores, len(plan.chores))
        self.bugs = [f"{c}: {s}" for c in plan.components for s in _SYMPTOMS]
        rng.shuffle(self.bugs)

    def _draft(self, kind: IssueType, summary: str, status: IssueStatus, created: datetime, **fields: object) -> Issue:
        rng = self.rng
        description = rng.choice(_DESCRIPTIONS[kind]) if kind in _DESCRIPTIONS and rng.random() < 0.5 else ""
        issue = Issue(
            issue_key=f"~{len(self.issues)}",
            project_key=self.plan.key,
            type=kind,
            summary=summary,
            description=description,
            status=status,
            priority=rng.choices(list(PRIORITY_RANK), weights=(5, 20, 45, 22, 8))[0],
            reporter_id=rng.choice(self.everyone),
            labels=rng.sample(self.plan.labels, rng.choice((0, 0, 1, 1, 2))) if kind != "subtask" else [],
            watcher_ids=[],
            created_at=created,
            updated_at=_between(rng, created, self.now),
        )
        for name, value in fields.items():
            setattr(issue, name, value)
        if status == "done" and issue.resolution is None:
            issue.resolution = "fixed" if kind == "bug" else "done"
        if status != "open" and issue.assignee_id is None:
            issue.assignee_id = rng.choice(self.developers)
        if rng.random() < 0.35:
            issue.watcher_ids = list(dict.fromkeys(x for x in (issue.reporter_id, issue.assignee_id) if x))
        self.issues.append(issue)
        return issue

    def _next_work_item(self) -> tuple[IssueType, str]:
        kind: IssueType = self.rng.choices(("story", "task", "bug"), weights=(4, 3, 4))[0]
        if kind == "story" and self.features:
            return kind, self.features.pop()
        if kind == "task" and self.chores:
            return kind, self.chores.pop()
        return "bug", self.bugs.pop()

    def _work_item(self, status: IssueStatus, sprint: Sprint | None, created: datetime, estimated: bool) -> Issue:
        rng = self.rng
        kind, summary = self._next_work_item()
        points = rng.choices((1, 2, 3, 5, 8, 13), weights=(10, 18, 22, 22, 16, 5))[0]
        assignee = None
        if status == "open" and rng.random() < 0.5:
            assignee = rng.choice(self.engineers)
        return self._draft(
            kind, summary, status, created,
            story_points=points if estimated or rng.random() > 0.15 else None,
            sprint_id=sprint.sprint_id if sprint else None,
            assignee_id=assignee,
        )

    def build(self) -> None:
        rng, now = self.rng, self.now
        epics = [
            self._draft("epic", title, "open", now - timedelta(days=rng.randint(120, 200), minutes=rng.randint(0, 600)))
            for title in self.plan.epics
        ]
        work: list[Issue] = []
        for sprint in self.sprints:
            start = _at_nine(sprint.start_date)
            if sprint.state == "closed":
                for _ in range(7):
                    item = self._work_item("done", sprint, start - timedelta(days=rng.randint(1, 30)), True)
                    item.updated_at = _between(rng, start, _at_nine(sprint.end_date))
                    work.append(item)
            elif sprint.state == "active":
                pattern: list[IssueStatus] = ["done"] * 3 + ["in_progress"] * 3 + ["open"] * 2
                pattern += ["in_review"] * 2 if self.plan.workflow == "standard" else ["in_progress"] * 2
                for status in pattern:
                    item = self._work_item(status, sprint, start - timedelta(days=rng.randint(1, 25)), True)
                    item.updated_at = _between(rng, start, now)
                    work.append(item)
            else:
                for _ in range(5):
                    work.append(self._work_item("open", sprint, now - timedelta(days=rng.randint(3, 60)), True))
        backlog_statuses: tuple[IssueStatus, ...] = ("open", "in_progress", "in_review", "done")
        weights = (68, 10, 4 if self.plan.workflow == "standard" else 0, 18)
        while len(work) < 46:
            status = rng.choices(backlog_statuses, weights=weights)[0]
            created = now - timedelta(days=rng.randint(1, 170), minutes=rng.randint(0, 600))
            work.append(self._work_item(status, None, created, False))
        closed = tuple(sprint.sprint_id for sprint in self.sprints if sprint.state == "closed")
        for item in work:
            if rng.random() < 0.7:
                # the first epic holds only work of closed sprints, so it is done wherever the project has history
                item.epic_key = epics[0].issue_key if item.sprint_id in closed else rng.choice(epics[1:]).issue_key
        self._add_subtasks(work)
        self._add_links(work)
        for epic in epics:
            children = [item.status for item in work if item.epic_key == epic.issue_key]
            if children and all(status == "done" for status in children):
                epic.status, epic.resolution = "done", "done"
            elif any(status != "open" for status in children):
                epic.status = "in_progress"
            if epic.status != "open" and epic.assignee_id is None:
                epic.assignee_id = self.plan.members[0][0]

    def _add_subtasks(self, work: list[Issue]) -> None:
        """Subtasks under a few issues; the first in-review issue of the active sprint keeps an open subtask."""
        rng = self.rng
        in_review = [item for item in work if item.status == "in_review" and item.sprint_id]
        started = [item for item in work if item.status in ("in_progress", "in_review") and item not in in_review[:1]]
        finished = [item for item in work if item.status == "done" and item.sprint_id]
        parents = in_review[:1] + rng.sample(started, min(3, len(started)))
        parents += rng.sample(finished, min(1, len(finished)))
        for number, parent in enumerate(parents):
            for index, summary in enumerate(rng.sample(_SUBTASKS, rng.randint(2, 3))):
                if parent.status == "done":
                    status: IssueStatus = "done"
                elif number == 0 and index == 0:
                    status = "open"
                else:
                    status = rng.choice(("open", "in_progress", "done"))
                created = _between(rng, parent.created_at, min(parent.created_at + timedelta(days=3), self.now))
                self._draft(
                    "subtask", summary, status, created,
                    parent_key=parent.issue_key,
                    sprint_id=parent.sprint_id,
                    assignee_id=parent.assignee_id if status != "open" else None,
                )

    def _add_links(self, work: list[Issue]) -> None:
        """Blockers (one on an in-review issue of the active sprint), a duplicate bug, and related issues."""
        rng = self.rng
        linked: set[tuple[str, str]] = set()  # membership checks only

        def link(source: Issue, link_type: LinkType, target: Issue) -> None:
            pair = (min(source.issue_key, target.issue_key), max(source.issue_key, target.issue_key))
            if source is not target and pair not in linked:
                linked.add(pair)
                self.links.append((source.issue_key, link_type, target.issue_key))

        bugs = [item for item in work if item.type == "bug" and item.status == "open" and item.sprint_id is None]
        if len(bugs) >= 2:
            duplicate, original = rng.sample(bugs, 2)
            duplicate.status, duplicate.resolution = "done", "duplicate"
            link(duplicate, "duplicates", original)
        open_backlog = [item for item in work if item.status == "open" and item.sprint_id is None]
        not_done = [item for item in work if item.status != "done"]
        done = [item for item in work if item.status == "done"]
        review = [item for item in work if item.status == "in_review" and item.sprint_id]
        if len(review) > 1:
            link(rng.choice(open_backlog), "blocks", review[1])
        for _ in range(3):
            link(rng.choice(not_done), "blocks", rng.choice(not_done))
        for _ in range(2):
            link(rng.choice(done), "blocks", rng.choice(work))
        for _ in range(3):
            first, second = rng.sample(work, 2)
            link(first, "relates_to", second)

    def commit(self) -> dict[str, str]:
        """Number the drafts by creation time, store them, and return temporary key -> issue key."""
        keys: dict[str, str] = {}
        for issue in sorted(self.issues, key=lambda item: item.created_at):
            keys[issue.issue_key] = self.world.next_id(self.plan.key, width=1)
        for issue in sorted(self.issues, key=lambda item: item.created_at):
            issue.issue_key = keys[issue.issue_key]
            issue.epic_key = keys[issue.epic_key] if issue.epic_key else None
            issue.parent_key = keys[issue.parent_key] if issue.parent_key else None
            issue.updated_at = max(issue.updated_at, issue.created_at)
            self.world.issues[issue.issue_key] = issue
        return keys
