//! Survey tools' own columns (ids, times, progress, quiz points, metadata):
//! never a question, and not worth showing in a report.

use crate::mapping::Field;

/// Bookkeeping columns of survey tools, not worth showing in a report.
pub(super) fn is_tool_column(header: &str) -> bool {
    let h = header.trim().to_lowercase();
    const TOOL: &[&str] = &[
        "id",
        "#",
        "respondentid",
        "collectorid",
        "responseid",
        "response id",
        "response_id",
        "_id",
        "_uuid",
        "_index",
        "_status",
        "_submitted_by",
        "_validation_status",
        "_notes",
        "_tags",
        "meta/instanceid",
        "__version__",
        "start date",
        "startdate",
        "start date (utc)",
        "begintijd",
        "start time",
        "landed_at",
        "network id",
        "lastpage",
        "startlanguage",
        "seed",
        "ipaddress",
        "ip address",
        "progress",
        "status",
        "finished",
        "duration (in seconds)",
        "distributionchannel",
        "userlanguage",
        "locationlatitude",
        "locationlongitude",
        "externalreference",
        "response type",
        "tags",
        "ending",
        "stage date (utc)",
        "tijd van laatste wijziging",
        "last modified time",
        "recipientemail",
        "e-mail",
        "email",
        "e-mailadres",
        // KoboToolbox's metadata.
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "audit",
        // LimeSurvey's full-text headings, English and Dutch.
        "response id",
        "last page",
        "start language",
        "date started",
        "date last action",
        "antwoord id",
        "laatste pagina",
        "starttaal",
        "datum gestart",
        "datum laatste actie",
        "total points",
        "quiz feedback",
        "grade posted time",
        "totaal aantal punten",
        "feedback voor de quiz",
        "tijdstip van publicatie van cijfer",
    ];
    // Microsoft Forms quizzes, in English and Dutch.
    const QUIZ: &[&str] = &["points - ", "feedback - ", "punten - ", "feedback voor "];
    TOOL.contains(&h.as_str())
        || QUIZ.iter().any(|q| h.starts_with(q))
        || Field::Datum.headers().contains(&h.as_str())
        || h.starts_with("_gps")
        || h.starts_with("meta/")
        || h.starts_with("custom data")
}
