//! schema.org JSON-LD for a page: `MedicalWebPage` about a `MedicalCondition`.
//!
//! Built from the same view the template shows, so the structured data can never
//! say more than the visible page (Google's rule, and ours).

use serde_json::{json, Value};

use super::views::PageView;
use crate::config::SiteConfig;
use crate::parse::markdown::SectionKind;
use crate::parse::Page;

pub fn for_page(page: &Page, view: &PageView, config: &SiteConfig) -> String {
    let items = |kind: SectionKind, ty: &str| -> Vec<Value> {
        page.section(kind).map(|s| s.items.iter().map(|i| json!({ "@type": ty, "name": i })).collect()).unwrap_or_default()
    };
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": view.title,
        "url": view.permalink,
        "description": view.summary,
        "inLanguage": config.language(page.lang.as_deref()).map(|l| l.locale.as_str()).unwrap_or(config.locale.as_str()),
        "audience": { "@type": "MedicalAudience", "audienceType": "Patient" },
    });
    if let Some(d) = page.fm.last_reviewed {
        doc["lastReviewed"] = json!(d.to_string());
    }
    // The same names the review box shows; "Name, role" becomes a name and a job title.
    let reviewers = page.reviewers();
    if !reviewers.is_empty() {
        doc["reviewedBy"] = reviewers
            .iter()
            .map(|n| match n.rsplit_once(", ") {
                Some((name, role)) if !name.trim().is_empty() && !role.trim().is_empty() => {
                    json!({ "@type": "Person", "name": name.trim(), "jobTitle": role.trim() })
                }
                _ => json!({ "@type": "Person", "name": n }),
            })
            .collect();
    }
    if let Some(about_type) = page.kind.schema_about() {
        let mut about = json!({ "@type": about_type, "name": page.fm.medical_name.clone().unwrap_or_else(|| page.fm.title.clone()) });
        let mut alternates: Vec<String> = Vec::new();
        if page.fm.medical_name.is_some() {
            alternates.push(page.fm.title.clone());
        }
        alternates.extend(page.fm.also_called.iter().cloned());
        if !alternates.is_empty() {
            about["alternateName"] = json!(alternates);
        }
        for (key, kind, ty) in [
            ("signOrSymptom", SectionKind::Symptoms, "MedicalSignOrSymptom"),
            ("cause", SectionKind::Causes, "MedicalCause"),
            ("possibleTreatment", SectionKind::Fixes, "MedicalTherapy"),
        ] {
            let list = items(kind, ty);
            if !list.is_empty() {
                about[key] = Value::Array(list);
            }
        }
        doc["about"] = about;
    }
    // `<`, `>` and `&` escaped: nothing in a string can end or confuse the script element.
    serde_json::to_string(&doc).unwrap_or_default().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}
