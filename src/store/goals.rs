//! Repository for `goal` and `goal_link` (KF-mål, nämndmål, enhetsmål and the röda tråden
//! between them).
