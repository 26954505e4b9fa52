"""Issue tracker tools: browse projects, people, issues, epics and sprints; create, edit, assign, transition, link,
comment on and watch issues; plan, start and complete sprints."""

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from mcp_servers.core import Count, ServerDef, ToolError, require
from mcp_servers.issue_tracker.world import (
    ASSIGNABLE_ROLES,
    CLOSE_WITHOUT_WORK,
    PRIORITY_RANK,
    STORY_POINT_SCALE,
    WORKFLOWS,
    Comment,
    EpicKey,
    Issue,
    IssueKey,
    IssueLink,
    IssueStatus,
    IssueTrackerWorld,
    IssueType,
    LinkId,
    LinkType,
    Priority,
    Project,
    ProjectKey,
    Resolution,
    Role,
    Sprint,
    SprintId,
    SprintState,
    TrackerUser,
    UserId,
)

server = ServerDef(
    "issue_tracker",
    IssueTrackerWorld,
    group="crm",
    description=(
        "Jira-like issue tracker: projects with workflows and role-based members, issues keyed like WEB-42 "
        "(epics, stories, tasks, bugs, subtasks) with status transitions, assignees, story points, comments, "
        "watchers and links, and sprints with a story-point capacity."
    ),
)

Summary = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=4000)]
CommentBody = Annotated[str, Field(min_length=1, max_length=4000)]
Label = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Labels = Annotated[list[Label], Field(max_length=10)]
StoryPoints = Annotated[int, Field(ge=0, le=100)]
Capacity = Annotated[int, Field(ge=1, le=500)]
SprintName = Annotated[str, Field(min_length=1, max_length=80)]
SprintGoal = Annotated[str, Field(max_length=300)]
IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
LinkRelation = Literal["blocks", "is_blocked_by", "duplicates", "is_duplicated_by", "relates_to"]

_INVERSE: dict[str, LinkRelation] = {
    "blocks": "is_blocked_by",
    "duplicates": "is_duplicated_by",
    "relates_to": "relates_to",
}


# ----- result models -----


class ProjectSummary(Project):
    active_sprint_id: SprintId | None
    unresolved_issue_count: int


class ProjectList(BaseModel):
    signed_in_user_id: UserId = Field(description="You act as this user: new issues and comments are theirs.")
    projects: list[ProjectSummary]


class WorkflowStep(BaseModel):
    from_status: IssueStatus
    to_statuses: list[IssueStatus]


class ProjectMember(BaseModel):
    user_id: UserId
    name: str
    role: Role
    active: bool


class EpicSummary(BaseModel):
    epic_key: EpicKey
    summary: str
    status: IssueStatus


class SprintView(Sprint):
    committed_points: int = Field(description="Story points of the issues in the sprint.")
    completed_points: int = Field(description="Story points of the sprint's issues that are done.")
    issue_count: int


class ProjectDetails(Project):
    transitions: list[WorkflowStep]
    members: list[ProjectMember]
    epics: list[EpicSummary]
    sprints: list[SprintView]
    issue_counts: dict[str, int] = Field(description="Number of issues per status.")


class UserList(BaseModel):
    users: list[TrackerUser]


class IssueSummary(BaseModel):
    issue_key: IssueKey
    project_key: ProjectKey
    type: IssueType
    summary: str
    status: IssueStatus
    priority: Priority
    assignee_id: UserId | None
    story_points: int | None
    sprint_id: SprintId | None
    epic_key: EpicKey | None
    labels: list[str]
    updated_at: datetime


class IssueList(BaseModel):
    issues: list[IssueSummary]
    total_matched: int


class LinkView(BaseModel):
    link_id: LinkId
    relation: LinkRelation = Field(description="How this issue relates to the other one.")
    issue_key: IssueKey
    summary: str
    status: IssueStatus


class IssueDetails(Issue):
    allowed_transitions: list[IssueStatus]
    subtasks: list[IssueSummary]
    links: list[LinkView]
    unresolved_blocker_keys: list[IssueKey]
    comment_count: int


class CommentList(BaseModel):
    issue_key: IssueKey
    comments: list[Comment]


class SprintList(BaseModel):
    sprints: list[SprintView]


class SprintReport(BaseModel):
    sprint: SprintView
    days_remaining: int | None = Field(description="Days until the end date, for an active sprint.")
    status_counts: dict[str, int]
    issues: list[IssueSummary]


class EpicIssues(BaseModel):
    epic: IssueSummary
    issues: list[IssueSummary]
    done_count: int
    total_points: int
    done_points: int


class SprintMove(BaseModel):
    issue: Issue
    from_sprint_id: SprintId | None
    moved_subtask_keys: list[IssueKey]
    sprint: SprintView | None = Field(description="The sprint the issue is now in; null when moved to the backlog.")


class SprintCompletion(BaseModel):
    sprint: SprintView
    completed_issue_keys: list[IssueKey]
    moved_issue_keys: list[IssueKey] = Field(description="Unfinished issues carried out of the sprint.")
    moved_to_sprint_id: SprintId | None = Field(description="Where they went; null means the backlog.")


# ----- lookups and checks shared by the tools -----


def _project(world: IssueTrackerWorld, project_key: str) -> Project:
    return require(world.projects, project_key, "project", "Use list_tracker_projects to see the project keys.")


def _user(world: IssueTrackerWorld, user_id: str) -> TrackerUser:
    return require(world.users, user_id, "user", "Use list_tracker_users to find the user id.")


def _issue(world: IssueTrackerWorld, issue_key: str) -> Issue:
    return require(world.issues, issue_key, "issue", "Use search_tracker_issues to find the issue key.")


def _sprint(world: IssueTrackerWorld, sprint_id: str) -> Sprint:
    return require(world.sprints, sprint_id, "sprint", "Use list_tracker_sprints to see a project's sprints.")


def _epic(world: IssueTrackerWorld, epic_key: str) -> Issue:
    epic = require(world.issues, epic_key, "epic", "Use get_tracker_project to see a project's epics.")
    if epic.type != "epic":
        raise ToolError(f"{epic_key} is a {epic.type}, not an epic. Use get_tracker_project to see the epics.")
    return epic


def _summary(issue: Issue) -> IssueSummary:
    return IssueSummary(**issue.model_dump(include=set(IssueSummary.model_fields)))


def _sprint_view(world: IssueTrackerWorld, sprint: Sprint) -> SprintView:
    issues = world.sprint_issues(sprint.sprint_id)
    return SprintView(
        **sprint.model_dump(),
        committed_points=sum(issue.story_points or 0 for issue in issues),
        completed_points=sum(issue.story_points or 0 for issue in issues if issue.status == "done"),
        issue_count=len(issues),
    )


def _touch(world: IssueTrackerWorld, issue: Issue) -> None:
    issue.updated_at = world.now


def _check_assignable(world: IssueTrackerWorld, user_id: str, project_key: str) -> TrackerUser:
    user = _user(world, user_id)
    if not user.active:
        raise ToolError(f"User {user_id} ({user.name}) is deactivated and cannot be assigned issues.")
    role = world.role_in(user, project_key)
    if role is None:
        raise ToolError(
            f"User {user_id} ({user.name}) has no role in project {project_key}; only its admins and developers can "
            "be assigned. Use get_tracker_project to see its members."
        )
    if role not in ASSIGNABLE_ROLES:
        raise ToolError(
            f"User {user_id} ({user.name}) is a {role} in project {project_key}; only admins and developers can be "
            "assigned issues."
        )
    return user


def _check_points(points: int) -> None:
    if points not in STORY_POINT_SCALE:
        scale = ", ".join(str(value) for value in STORY_POINT_SCALE)
        raise ToolError(f"{points} is not on the story-point scale; use one of {scale}.")


def _check_room(world: IssueTrackerWorld, sprint: Sprint, extra_points: int, what: str) -> None:
    """The sprint can take `extra_points` more story points without going over its capacity."""
    committed = world.committed_points(sprint.sprint_id)
    if committed + extra_points > sprint.capacity_points:
        raise ToolError(
            f"Sprint {sprint.sprint_id} ({sprint.name}) would go over capacity: {committed} of "
            f"{sprint.capacity_points} points are committed and {what} adds {extra_points}. Move something out, "
            "raise the capacity with update_sprint, or pick another sprint."
        )


def _check_not_closed(sprint: Sprint, action: str) -> None:
    if sprint.state == "closed":
        raise ToolError(f"Sprint {sprint.sprint_id} ({sprint.name}) is closed (completed {sprint.completed_on}); "
                        f"a closed sprint cannot {action}.")


def _parse_date(text: str, argument: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"{argument} {text!r} is not a valid calendar date (YYYY-MM-DD).") from None


def _link_view(world: IssueTrackerWorld, link: IssueLink, issue_key: str) -> LinkView:
    outgoing = link.source_key == issue_key
    other = world.issues[link.target_key if outgoing else link.source_key]
    relation: LinkRelation = link.link_type if outgoing else _INVERSE[link.link_type]
    return LinkView(
        link_id=link.link_id, relation=relation, issue_key=other.issue_key, summary=other.summary, status=other.status
    )


# ----- discovery -----


@server.read
def list_tracker_projects(world: IssueTrackerWorld) -> ProjectList:
    """List the tracker's projects with their key, lead, workflow, active sprint and number of unresolved issues.

    Also tells which user you are signed in as.
    """
    unresolved: dict[str, int] = {}
    for issue in world.issues.values():
        if issue.status != "done":
            unresolved[issue.project_key] = unresolved.get(issue.project_key, 0) + 1
    projects = []
    for project in world.projects.values():
        active = world.active_sprint(project.project_key)
        projects.append(
            ProjectSummary(
                **project.model_dump(),
                active_sprint_id=active.sprint_id if active else None,
                unresolved_issue_count=unresolved.get(project.project_key, 0),
            )
        )
    return ProjectList(signed_in_user_id=world.signed_in_user_id, projects=projects)


@server.read
def get_tracker_project(world: IssueTrackerWorld, project_key: ProjectKey) -> ProjectDetails:
    """Show a project: its workflow transitions, members and their roles, epics, sprints and issue counts by status.

    Args:
        project_key: The project key, e.g. WEB.
    """
    project = _project(world, project_key)
    members = [
        ProjectMember(user_id=user.user_id, name=user.name, role=role, active=user.active)
        for user in world.users.values()
        if (role := world.role_in(user, project_key)) is not None
    ]
    counts: dict[str, int] = {status: 0 for status in WORKFLOWS[project.workflow]}
    epics = []
    for issue in world.issues.values():
        if issue.project_key == project_key:
            counts[issue.status] = counts.get(issue.status, 0) + 1
            if issue.type == "epic":
                epics.append(EpicSummary(epic_key=issue.issue_key, summary=issue.summary, status=issue.status))
    return ProjectDetails(
        **project.model_dump(),
        transitions=[
            WorkflowStep(from_status=source, to_statuses=list(targets))
            for source, targets in WORKFLOWS[project.workflow].items()
        ],
        members=members,
        epics=epics,
        sprints=[_sprint_view(world, s) for s in world.sprints.values() if s.project_key == project_key],
        issue_counts=counts,
    )


@server.read
def list_tracker_users(
    world: IssueTrackerWorld,
    query: Annotated[str, Field(max_length=120)] = "",
    project_key: ProjectKey | None = None,
    role: Role | None = None,
    include_inactive: bool = False,
) -> UserList:
    """Find tracker users by name, user id, email or job title, with their project roles.

    Args:
        query: Part of the name, user id, email or title (case-insensitive); empty matches everyone.
        project_key: Only members of this project.
        role: Only users with this role (in `project_key` when given, else in any project).
        include_inactive: Also list deactivated accounts.
    """
    if project_key is not None:
        _project(world, project_key)
    needle = query.strip().lower()
    users = []
    for user in world.users.values():
        haystack = f"{user.name} {user.user_id} {user.email} {user.title}".lower()
        roles = [entry.role for entry in user.roles if project_key in (None, entry.project_key)]
        if (
            needle in haystack
            and (include_inactive or user.active)
            and (project_key is None or roles)
            and (role is None or role in roles)
        ):
            users.append(user)
    return UserList(users=users)


@server.read
def search_tracker_issues(
    world: IssueTrackerWorld,
    project_key: ProjectKey | None = None,
    text: Annotated[str, Field(max_length=200)] = "",
    status: IssueStatus | None = None,
    unresolved_only: bool = False,
    issue_type: IssueType | None = None,
    assignee_id: UserId | None = None,
    unassigned_only: bool = False,
    priority: Priority | None = None,
    label: Annotated[str, Field(max_length=40)] | None = None,
    sprint_id: SprintId | None = None,
    backlog_only: bool = False,
    epic_key: EpicKey | None = None,
    order_by: Literal["updated", "created", "priority"] = "updated",
    limit: Count = 25,
) -> IssueList:
    """Search issues with filters; every filter given must match.

    Args:
        project_key: Only issues of this project.
        text: Words that must all appear in the key, summary or description (case-insensitive).
        status: Only issues in this status.
        unresolved_only: Only issues that are not done.
        issue_type: Only issues of this type.
        assignee_id: Only issues assigned to this user.
        unassigned_only: Only issues with no assignee.
        priority: Only issues with this priority.
        label: Only issues carrying this label.
        sprint_id: Only issues in this sprint.
        backlog_only: Only issues in no sprint (epics excluded).
        epic_key: Only issues under this epic.
        order_by: "updated" or "created" (newest first), or "priority" (highest first, then newest updated).
        limit: Most issues to return.
    """
    words = text.lower().split()
    matches = [
        issue
        for issue in world.issues.values()
        if (project_key is None or issue.project_key == project_key)
        and (status is None or issue.status == status)
        and not (unresolved_only and issue.status == "done")
        and (issue_type is None or issue.type == issue_type)
        and (assignee_id is None or issue.assignee_id == assignee_id)
        and not (unassigned_only and issue.assignee_id is not None)
        and (priority is None or issue.priority == priority)
        and (label is None or label.lower() in issue.labels)
        and (sprint_id is None or issue.sprint_id == sprint_id)
        and not (backlog_only and (issue.sprint_id is not None or issue.type == "epic"))
        and (epic_key is None or issue.epic_key == epic_key)
        and all(word in f"{issue.issue_key} {issue.summary} {issue.description}".lower() for word in words)
    ]
    if order_by == "priority":
        matches.sort(key=lambda issue: issue.updated_at, reverse=True)
        matches.sort(key=lambda issue: PRIORITY_RANK[issue.priority])
    else:
        field = "updated_at" if order_by == "updated" else "created_at"
        matches.sort(key=lambda issue: (getattr(issue, field), issue.issue_key), reverse=True)
    return IssueList(issues=[_summary(issue) for issue in matches[:limit]], total_matched=len(matches))


@server.read
def get_issue(world: IssueTrackerWorld, issue_key: IssueKey) -> IssueDetails:
    """Show one issue in full: fields, the statuses it may move to, subtasks, links, open blockers, comment count.

    Args:
        issue_key: The issue key, e.g. WEB-42.
    """
    issue = _issue(world, issue_key)
    workflow = WORKFLOWS[world.projects[issue.project_key].workflow]
    links = [
        _link_view(world, link, issue_key)
        for link in world.links.values()
        if issue_key in (link.source_key, link.target_key)
    ]
    return IssueDetails(
        **issue.model_dump(),
        allowed_transitions=list(workflow[issue.status]),
        subtasks=[_summary(sub) for sub in world.subtasks_of(issue_key)],
        links=links,
        unresolved_blocker_keys=[blocker.issue_key for blocker in world.unresolved_blockers(issue_key)],
        comment_count=sum(1 for comment in world.comments.values() if comment.issue_key == issue_key),
    )


@server.read
def list_issue_comments(world: IssueTrackerWorld, issue_key: IssueKey) -> CommentList:
    """List the comments on an issue, oldest first.

    Args:
        issue_key: The issue whose comments to list.
    """
    _issue(world, issue_key)
    comments = [comment for comment in world.comments.values() if comment.issue_key == issue_key]
    comments.sort(key=lambda comment: (comment.created_at, comment.comment_id))
    return CommentList(issue_key=issue_key, comments=comments)


@server.read
def list_tracker_sprints(
    world: IssueTrackerWorld, project_key: ProjectKey, state: SprintState | None = None
) -> SprintList:
    """List a project's sprints with dates, capacity and committed and completed story points.

    Args:
        project_key: The project whose sprints to list.
        state: Only sprints in this state (planned, active or closed).
    """
    _project(world, project_key)
    sprints = [
        _sprint_view(world, sprint)
        for sprint in world.sprints.values()
        if sprint.project_key == project_key and state in (None, sprint.state)
    ]
    return SprintList(sprints=sprints)


@server.read
def get_sprint_report(world: IssueTrackerWorld, sprint_id: SprintId) -> SprintReport:
    """Show a sprint's board: its issues, counts per status, points committed and completed, days remaining.

    Args:
        sprint_id: The sprint to report on.
    """
    sprint = _sprint(world, sprint_id)
    issues = world.sprint_issues(sprint_id)
    issues.sort(key=lambda issue: (PRIORITY_RANK[issue.priority], issue.issue_key))
    counts: dict[str, int] = {}
    for issue in issues:
        counts[issue.status] = counts.get(issue.status, 0) + 1
    remaining = (sprint.end_date - world.now.date()).days if sprint.state == "active" else None
    return SprintReport(
        sprint=_sprint_view(world, sprint),
        days_remaining=remaining,
        status_counts=counts,
        issues=[_summary(issue) for issue in issues],
    )


@server.read
def list_epic_issues(world: IssueTrackerWorld, epic_key: EpicKey) -> EpicIssues:
    """List the issues under an epic with its progress (issues and story points done).

    Args:
        epic_key: The epic's issue key (see get_tracker_project for a project's epics).
    """
    epic = _epic(world, epic_key)
    children = world.epic_children(epic_key)
    done = [issue for issue in children if issue.status == "done"]
    return EpicIssues(
        epic=_summary(epic),
        issues=[_summary(issue) for issue in children],
        done_count=len(done),
        total_points=sum(issue.story_points or 0 for issue in children),
        done_points=sum(issue.story_points or 0 for issue in done),
    )


# ----- issues -----


@server.write
def create_issue(
    world: IssueTrackerWorld,
    project_key: ProjectKey,
    issue_type: IssueType,
    summary: Summary,
    description: Description = "",
    priority: Priority = "medium",
    assignee_id: UserId | None = None,
    story_points: StoryPoints | None = None,
    labels: Labels | None = None,
    epic_key: EpicKey | None = None,
    parent_key: IssueKey | None = None,
) -> Issue:
    """Create an issue in a project, reported by you; it starts open.

    A subtask needs `parent_key` and joins its parent's sprint; epics and subtasks take no story points and no epic.

    Args:
        project_key: The project to create the issue in.
        issue_type: epic, story, task, bug or subtask.
        summary: One-line title.
        description: Longer details.
        priority: highest, high, medium, low or lowest.
        assignee_id: A project admin or developer to assign it to; omit to leave it unassigned.
        story_points: Estimate on the scale 0, 1, 2, 3, 5, 8, 13, 21.
        labels: Lowercase labels such as "tech-debt".
        epic_key: The epic of the same project this issue belongs to.
        parent_key: Subtasks only: the issue of the same project this subtask belongs to.
    """
    _project(world, project_key)
    if not summary.strip():
        raise ToolError("The summary is blank; give the issue a one-line title.")
    if assignee_id is not None:
        _check_assignable(world, assignee_id, project_key)
    sprint_id = None
    if issue_type == "subtask":
        if parent_key is None:
            raise ToolError("A subtask needs parent_key: the issue it belongs to.")
        parent = _issue(world, parent_key)
        if parent.project_key != project_key:
            raise ToolError(f"Parent {parent_key} is in project {parent.project_key}, not {project_key}.")
        if parent.type in ("epic", "subtask"):
            raise ToolError(f"{parent_key} is a {parent.type}; subtasks go under a story, task or bug.")
        sprint_id = parent.sprint_id
    elif parent_key is not None:
        raise ToolError("parent_key is only for subtasks; use epic_key to put an issue under an epic.")
    if issue_type in ("epic", "subtask"):
        if story_points is not None:
            raise ToolError(f"A {issue_type} takes no story points; estimate its stories, tasks and bugs instead.")
        if epic_key is not None:
            raise ToolError(f"A {issue_type} cannot belong to an epic.")
    if story_points is not None:
        _check_points(story_points)
    if epic_key is not None:
        epic = _epic(world, epic_key)
        if epic.project_key != project_key:
            raise ToolError(f"Epic {epic_key} is in project {epic.project_key}, not {project_key}.")
    issue = Issue(
        issue_key=world.next_id(project_key, width=1),
        project_key=project_key,
        type=issue_type,
        summary=summary.strip(),
        description=description.strip(),
        status="open",
        priority=priority,
        assignee_id=assignee_id,
        reporter_id=world.signed_in_user_id,
        labels=list(dict.fromkeys(labels or [])),
        story_points=story_points,
        sprint_id=sprint_id,
        epic_key=epic_key,
        parent_key=parent_key if issue_type == "subtask" else None,
        watcher_ids=[world.signed_in_user_id],
        created_at=world.now,
        updated_at=world.now,
    )
    world.issues[issue.issue_key] = issue
    return issue


@server.write
def update_issue(
    world: IssueTrackerWorld,
    issue_key: IssueKey,
    summary: Summary | None = None,
    description: Description | None = None,
    priority: Priority | None = None,
    story_points: StoryPoints | None = None,
    labels: Labels | None = None,
) -> Issue:
    """Edit an issue's summary, description, priority, story points or labels; omitted fields stay as they are.

    Raising the story points of an issue in a sprint must keep the sprint within its capacity.

    Args:
        issue_key: The issue to edit.
        summary: New one-line title.
        description: New description (replaces the old one).
        priority: New priority.
        story_points: New estimate on the scale 0, 1, 2, 3, 5, 8, 13, 21.
        labels: The new full list of labels (replaces the old list; [] removes all).
    """
    issue = _issue(world, issue_key)
    if all(value is None for value in (summary, description, priority, story_points, labels)):
        raise ToolError("Nothing to change: give at least one of summary, description, priority, story_points, labels.")
    if summary is not None and not summary.strip():
        raise ToolError("The summary cannot be blank.")
    if story_points is not None:
        if issue.type in ("epic", "subtask"):
            raise ToolError(f"{issue_key} is a {issue.type}; it takes no story points.")
        _check_points(story_points)
        sprint = world.sprints.get(issue.sprint_id) if issue.sprint_id else None
        added = story_points - (issue.story_points or 0)
        if sprint is not None and sprint.state != "closed" and added > 0:
            _check_room(world, sprint, added, f"re-estimating {issue_key} to {story_points}")
    if summary is not None:
        issue.summary = summary.strip()
    if description is not None:
        issue.description = description.strip()
    if priority is not None:
        issue.priority = priority
    if story_points is not None:
        issue.story_points = story_points
    if labels is not None:
        issue.labels = list(dict.fromkeys(labels))
    _touch(world, issue)
    return issue


@server.write
def transition_issue(
    world: IssueTrackerWorld, issue_key: IssueKey, status: IssueStatus, resolution: Resolution | None = None
) -> Issue:
    """Move an issue to another status along its project's workflow (see get_issue for the allowed moves).

    Starting work (in_progress) needs an assignee. Moving to done needs every subtask done; resolving it as fixed or
    done also needs every issue that blocks it done, and an epic needs all its issues done. From open an issue can
    only be closed as duplicate or wont_do. Moving done back to open reopens it.

    Args:
        issue_key: The issue to move.
        status: The status to move it to.
        resolution: Only when moving to done: fixed, done, duplicate or wont_do (default fixed for bugs, else done).
    """
    issue = _issue(world, issue_key)
    allowed = WORKFLOWS[world.projects[issue.project_key].workflow][issue.status]
    if status == issue.status:
        raise ToolError(f"{issue_key} is already {status}.")
    if status not in allowed:
        raise ToolError(
            f"{issue_key} cannot move from {issue.status} to {status}; from {issue.status} it can move to "
            f"{', '.join(allowed)}."
        )
    if resolution is not None and status != "done":
        raise ToolError("A resolution is only given when moving an issue to done.")
    if status == "in_progress" and issue.assignee_id is None:
        raise ToolError(f"{issue_key} has no assignee; assign it with assign_issue before starting work.")
    if status == "done":
        resolution = resolution or ("fixed" if issue.type == "bug" else "done")
        _check_can_close(world, issue, resolution)
    issue.status = status
    issue.resolution = resolution if status == "done" else None
    _touch(world, issue)
    return issue


def _check_can_close(world: IssueTrackerWorld, issue: Issue, resolution: Resolution) -> None:
    key = issue.issue_key
    if issue.status == "open" and resolution not in CLOSE_WITHOUT_WORK:
        raise ToolError(
            f"{key} is open; it can only go straight to done with resolution duplicate or wont_do. To finish the "
            "work, move it to in_progress first."
        )
    open_subtasks = [sub.issue_key for sub in world.subtasks_of(key) if sub.status != "done"]
    if open_subtasks:
        raise ToolError(f"{key} has subtasks that are not done: {', '.join(open_subtasks)}. Finish them first.")
    if resolution in CLOSE_WITHOUT_WORK:
        return
    blockers = [blocker.issue_key for blocker in world.unresolved_blockers(key)]
    if blockers:
        raise ToolError(
            f"{key} is blocked by unresolved issues: {', '.join(blockers)}. They must be done before {key} is "
            "resolved as fixed or done."
        )
    if issue.type == "epic":
        unfinished = [child.issue_key for child in world.epic_children(key) if child.status != "done"]
        if unfinished:
            shown = ", ".join(unfinished[:10]) + (" ..." if len(unfinished) > 10 else "")
            raise ToolError(f"Epic {key} still has {len(unfinished)} unfinished issues: {shown}.")


@server.write
def assign_issue(world: IssueTrackerWorld, issue_key: IssueKey, assignee_id: UserId | None) -> Issue:
    """Assign an issue to a project admin or developer, or unassign it with null.

    Args:
        issue_key: The issue to assign.
        assignee_id: The user to assign it to (an active admin or developer of the issue's project); null unassigns.
    """
    issue = _issue(world, issue_key)
    if assignee_id == issue.assignee_id:
        who = f"assigned to {assignee_id}" if assignee_id else "unassigned"
        raise ToolError(f"{issue_key} is already {who}.")
    if assignee_id is not None:
        _check_assignable(world, assignee_id, issue.project_key)
    elif issue.status in ("in_progress", "in_review"):
        raise ToolError(f"{issue_key} is {issue.status}; work in progress needs an assignee. Reassign it instead.")
    issue.assignee_id = assignee_id
    _touch(world, issue)
    return issue


@server.write
def add_issue_comment(world: IssueTrackerWorld, issue_key: IssueKey, body: CommentBody) -> Comment:
    """Add a comment to an issue, as you.

    Args:
        issue_key: The issue to comment on.
        body: The comment text.
    """
    issue = _issue(world, issue_key)
    if not body.strip():
        raise ToolError("The comment is blank; write something.")
    comment = Comment(
        comment_id=world.next_id("CMT"),
        issue_key=issue_key,
        author_id=world.signed_in_user_id,
        body=body.strip(),
        created_at=world.now,
    )
    world.comments[comment.comment_id] = comment
    _touch(world, issue)
    return comment


@server.write
def link_issues(
    world: IssueTrackerWorld, issue_key: IssueKey, relation: LinkRelation, other_issue_key: IssueKey
) -> IssueLink:
    """Link two issues, possibly of different projects: issue_key <relation> other_issue_key.

    For example ("PAY-3", "blocks", "WEB-9") records that PAY-3 must be done before WEB-9 can be resolved.

    Args:
        issue_key: The first issue.
        relation: blocks, is_blocked_by, duplicates, is_duplicated_by or relates_to.
        other_issue_key: The second issue.
    """
    _issue(world, issue_key)
    _issue(world, other_issue_key)
    if issue_key == other_issue_key:
        raise ToolError(f"An issue cannot be linked to itself ({issue_key}); pick two different issues.")
    for link in world.links.values():
        if {link.source_key, link.target_key} == {issue_key, other_issue_key}:
            raise ToolError(
                f"{issue_key} and {other_issue_key} are already linked ({link.link_id}: {link.source_key} "
                f"{link.link_type} {link.target_key})."
            )
    source, target = issue_key, other_issue_key
    link_type: LinkType
    if relation in ("is_blocked_by", "is_duplicated_by"):
        source, target = other_issue_key, issue_key
        link_type = "blocks" if relation == "is_blocked_by" else "duplicates"
    else:
        link_type = relation
    if link_type == "blocks" and world.issues[target].status == "done" and world.issues[source].status != "done":
        raise ToolError(f"{target} is already done, so the unfinished {source} cannot block it.")
    link = IssueLink(link_id=world.next_id("LNK"), source_key=source, link_type=link_type, target_key=target)
    world.links[link.link_id] = link
    _touch(world, world.issues[source])
    _touch(world, world.issues[target])
    return link


@server.write
def set_issue_epic(world: IssueTrackerWorld, issue_key: IssueKey, epic_key: EpicKey | None) -> Issue:
    """Put a story, task or bug under an epic of the same project, or take it out of its epic with null.

    Args:
        issue_key: The issue to move.
        epic_key: The epic to put it under; null removes it from its epic.
    """
    issue = _issue(world, issue_key)
    if issue.type in ("epic", "subtask"):
        raise ToolError(f"{issue_key} is a {issue.type}; only stories, tasks and bugs belong to epics.")
    if epic_key == issue.epic_key:
        raise ToolError(f"{issue_key} is already {'under ' + epic_key if epic_key else 'in no epic'}.")
    if epic_key is not None:
        epic = _epic(world, epic_key)
        if epic.project_key != issue.project_key:
            raise ToolError(f"Epic {epic_key} is in project {epic.project_key}; {issue_key} is in {issue.project_key}.")
        if epic.status == "done":
            raise ToolError(f"Epic {epic_key} is done; reopen it with transition_issue before adding issues.")
    issue.epic_key = epic_key
    _touch(world, issue)
    return issue


@server.write
def add_issue_watcher(world: IssueTrackerWorld, issue_key: IssueKey, user_id: UserId) -> Issue:
    """Add a user to an issue's watchers so they are notified of changes.

    Args:
        issue_key: The issue to watch.
        user_id: The user to add; they need a role (any) in the issue's project and an active account.
    """
    issue = _issue(world, issue_key)
    user = _user(world, user_id)
    if not user.active:
        raise ToolError(f"User {user_id} ({user.name}) is deactivated and cannot watch issues.")
    if world.role_in(user, issue.project_key) is None:
        raise ToolError(
            f"User {user_id} ({user.name}) has no role in project {issue.project_key} and cannot see its issues."
        )
    if user_id in issue.watcher_ids:
        raise ToolError(f"{user_id} already watches {issue_key}.")
    issue.watcher_ids.append(user_id)
    return issue


# ----- sprints -----


@server.write
def create_sprint(
    world: IssueTrackerWorld,
    project_key: ProjectKey,
    name: SprintName,
    start_date: IsoDate,
    capacity_points: Capacity,
    length_days: Annotated[int, Field(ge=7, le=28)] = 14,
    goal: SprintGoal = "",
) -> SprintView:
    """Plan a new sprint for a project; it starts in the planned state and is empty.

    Args:
        project_key: The project the sprint belongs to.
        name: Sprint name, unique in the project.
        start_date: Planned first day, YYYY-MM-DD, today or later.
        capacity_points: Most story points the team can commit to in this sprint.
        length_days: Sprint length in days.
        goal: What the team wants to achieve.
    """
    _project(world, project_key)
    start = _parse_date(start_date, "start_date")
    today = world.now.date()
    if start < today:
        raise ToolError(f"start_date {start} is in the past; today is {today}.")
    if not name.strip():
        raise ToolError("The sprint name is blank.")
    _check_unique_name(world, project_key, name.strip())
    sprint = Sprint(
        sprint_id=world.next_id("SPR"),
        project_key=project_key,
        name=name.strip(),
        goal=goal.strip(),
        state="planned",
        start_date=start,
        end_date=start + timedelta(days=length_days),
        capacity_points=capacity_points,
    )
    world.sprints[sprint.sprint_id] = sprint
    return _sprint_view(world, sprint)


def _check_unique_name(world: IssueTrackerWorld, project_key: str, name: str) -> None:
    for sprint in world.sprints.values():
        if sprint.project_key == project_key and sprint.name.lower() == name.lower():
            raise ToolError(f"Project {project_key} already has a sprint named {name!r} ({sprint.sprint_id}).")


@server.write
def update_sprint(
    world: IssueTrackerWorld,
    sprint_id: SprintId,
    name: SprintName | None = None,
    goal: SprintGoal | None = None,
    capacity_points: Capacity | None = None,
    end_date: IsoDate | None = None,
) -> SprintView:
    """Edit a planned or active sprint's name, goal, capacity or end date; omitted fields stay as they are.

    Args:
        sprint_id: The sprint to edit.
        name: New name, unique in the project.
        goal: New goal.
        capacity_points: New capacity; it may not drop below the points already committed.
        end_date: New last day, YYYY-MM-DD, after the start date.
    """
    sprint = _sprint(world, sprint_id)
    _check_not_closed(sprint, "be edited")
    if all(value is None for value in (name, goal, capacity_points, end_date)):
        raise ToolError("Nothing to change: give at least one of name, goal, capacity_points, end_date.")
    if name is not None:
        if not name.strip():
            raise ToolError("The sprint name cannot be blank.")
        if name.strip().lower() != sprint.name.lower():
            _check_unique_name(world, sprint.project_key, name.strip())
    if capacity_points is not None:
        committed = world.committed_points(sprint_id)
        if capacity_points < committed:
            raise ToolError(
                f"Sprint {sprint_id} already has {committed} points committed; the capacity cannot go below that. "
                "Move issues out first with move_issue_to_sprint."
            )
    new_end = _parse_date(end_date, "end_date") if end_date is not None else sprint.end_date
    if new_end <= sprint.start_date:
        raise ToolError(f"end_date {new_end} must be after the sprint's start date {sprint.start_date}.")
    if sprint.state == "active" and new_end < world.now.date():
        raise ToolError(f"end_date {new_end} is in the past for an active sprint; today is {world.now.date()}.")
    if name is not None:
        sprint.name = name.strip()
    if goal is not None:
        sprint.goal = goal.strip()
    if capacity_points is not None:
        sprint.capacity_points = capacity_points
    sprint.end_date = new_end
    return _sprint_view(world, sprint)


@server.write
def start_sprint(world: IssueTrackerWorld, sprint_id: SprintId) -> SprintView:
    """Start a planned sprint today, keeping its planned length; a project runs one active sprint at a time.

    Args:
        sprint_id: The planned sprint to start.
    """
    sprint = _sprint(world, sprint_id)
    _check_not_closed(sprint, "be started again")
    if sprint.state == "active":
        raise ToolError(f"Sprint {sprint_id} ({sprint.name}) is already active.")
    running = world.active_sprint(sprint.project_key)
    if running is not None:
        raise ToolError(
            f"Project {sprint.project_key} already has an active sprint, {running.sprint_id} ({running.name}); "
            "complete it with complete_sprint first."
        )
    if not world.sprint_issues(sprint_id):
        raise ToolError(f"Sprint {sprint_id} has no issues; add some with move_issue_to_sprint before starting it.")
    length = sprint.end_date - sprint.start_date
    sprint.state = "active"
    sprint.start_date = world.now.date()
    sprint.end_date = sprint.start_date + length
    return _sprint_view(world, sprint)


@server.write
def complete_sprint(
    world: IssueTrackerWorld, sprint_id: SprintId, move_unfinished_to: SprintId | None = None
) -> SprintCompletion:
    """Close the active sprint; its unfinished issues (with their subtasks) go to the backlog or to a planned sprint.

    Args:
        sprint_id: The active sprint to complete.
        move_unfinished_to: A planned sprint of the same project for the unfinished issues; null sends them to the
            backlog.
    """
    sprint = _sprint(world, sprint_id)
    if sprint.state != "active":
        raise ToolError(
            f"Sprint {sprint_id} ({sprint.name}) is {sprint.state}; only the active sprint can be completed."
        )
    issues = world.sprint_issues(sprint_id)
    unfinished = [issue for issue in issues if issue.status != "done" and issue.type != "subtask"]
    carried = {issue.issue_key for issue in unfinished}
    moving = [
        issue
        for issue in issues
        if issue.issue_key in carried or (issue.type == "subtask" and issue.parent_key in carried)
    ]
    if move_unfinished_to is not None:
        target = _sprint(world, move_unfinished_to)
        if target.project_key != sprint.project_key:
            raise ToolError(
                f"Sprint {target.sprint_id} belongs to project {target.project_key}, not {sprint.project_key}."
            )
        if target.state != "planned":
            raise ToolError(
                f"Sprint {target.sprint_id} is {target.state}; unfinished work can only go to a planned sprint."
            )
        points = sum(issue.story_points or 0 for issue in unfinished)
        _check_room(world, target, points, f"the {len(unfinished)} unfinished issues of {sprint_id}")
    for issue in moving:
        issue.sprint_id = move_unfinished_to
        _touch(world, issue)
    sprint.state = "closed"
    sprint.completed_on = world.now.date()
    return SprintCompletion(
        sprint=_sprint_view(world, sprint),
        completed_issue_keys=[i.issue_key for i in issues if i.status == "done" and i.type != "subtask"],
        moved_issue_keys=[issue.issue_key for issue in unfinished],
        moved_to_sprint_id=move_unfinished_to,
    )


@server.write
def move_issue_to_sprint(world: IssueTrackerWorld, issue_key: IssueKey, sprint_id: SprintId | None) -> SprintMove:
    """Move a story, task or bug (with its subtasks) into a planned or active sprint of its project, or to the backlog.

    The sprint's committed story points must stay within its capacity.

    Args:
        issue_key: The issue to move (not an epic or a subtask; subtasks follow their parent).
        sprint_id: The sprint to move it into; null moves it to the backlog.
    """
    issue = _issue(world, issue_key)
    if issue.type == "epic":
        raise ToolError(f"{issue_key} is an epic; epics are not planned into sprints, their issues are.")
    if issue.type == "subtask":
        raise ToolError(f"{issue_key} is a subtask; it follows its parent {issue.parent_key}. Move the parent instead.")
    if issue.status == "done":
        raise ToolError(f"{issue_key} is done; reopen it with transition_issue before planning it into a sprint.")
    if sprint_id == issue.sprint_id:
        raise ToolError(f"{issue_key} is already {'in ' + sprint_id if sprint_id else 'in the backlog'}.")
    current = world.sprints.get(issue.sprint_id) if issue.sprint_id else None
    target = None
    if sprint_id is not None:
        target = _sprint(world, sprint_id)
        if target.project_key != issue.project_key:
            raise ToolError(
                f"{issue_key} belongs to project {issue.project_key} but sprint {sprint_id} belongs to "
                f"{target.project_key}; pick a sprint of {issue.project_key} (see list_tracker_sprints)."
            )
        _check_not_closed(target, "take new issues")
        _check_room(world, target, issue.story_points or 0, f"{issue_key}")
    subtasks = world.subtasks_of(issue_key)
    for moved in [issue, *subtasks]:
        moved.sprint_id = sprint_id
        _touch(world, moved)
    return SprintMove(
        issue=issue,
        from_sprint_id=current.sprint_id if current else None,
        moved_subtask_keys=[sub.issue_key for sub in subtasks],
        sprint=_sprint_view(world, target) if target else None,
    )
