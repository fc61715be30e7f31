//! Repository for `activity`, `activity_goal` and `activity_follow_up`.
