//! `ledger.csv`: the 台账, one row per site a team must visit or close, in visiting order.
//!
//! Opens correctly in Excel: UTF-8 with a byte-order mark, CRLF line ends, fields quoted where
//! needed. Columns (Chinese by default, English with [`Lang::En`]): 序号, 编号, 县区, 经度,
//! 纬度, 类型, 面积(亩), 关联矿山, 矿山状态, 距离(米), 评分, 是否需实地核查, 核查结论,
//! 封堵情况, 责任主体, 备注. The verdict columns are empty for the team to fill in (or carry
//! earlier verdicts); the filled-in file can be handed back as `--verdicts`. 封堵情况 and
//! 责任主体 come from the team's verdict when given, else from the catalogue's record of the
//! related mine.

use crate::labels::{class_label, headers, list_sep, relation_phrase, status_label, yes_no, Lang};
use crate::site::{Site, SiteState};
use crate::verdicts::Verdict;

/// File name in the run folder.
pub const LEDGER_CSV: &str = "ledger.csv";

/// The types of a site's members, main class first: `废石堆/渣堆、便道`.
pub fn type_cell(site: &Site, lang: Lang) -> String {
    let mut classes = vec![site.class];
    classes.extend(
        site.class_counts
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| *c != site.class),
    );
    classes
        .iter()
        .map(|c| class_label(*c, lang))
        .collect::<Vec<_>>()
        .join(list_sep(lang))
}

/// `name (id)`, the id alone, or empty.
pub fn mine_cell(site: &Site) -> String {
    match (site.mine_name.as_deref(), site.mine_id.as_deref()) {
        (Some(name), Some(id)) if !name.trim().is_empty() => format!("{name} ({id})"),
        (_, Some(id)) => id.to_string(),
        (Some(name), None) => name.to_string(),
        (None, None) => String::new(),
    }
}

/// The verdict and its date: `已封堵 2024-07-01`.
pub fn verdict_cell(site: &Site, lang: Lang) -> String {
    match &site.verdict {
        Some(v) => match &v.date {
            Some(d) => format!("{} {d}", v.verdict.label(lang)),
            None => v.verdict.label(lang).to_string(),
        },
        None => String::new(),
    }
}

fn state_phrase(site: &Site, lang: Lang) -> String {
    let prev_mu = site
        .previous_area_m2
        .map(|a| a / goldsweep_pipeline::M2_PER_MU)
        .unwrap_or(0.0);
    match (lang, site.state) {
        (Lang::Zh, SiteState::New) => "新增".into(),
        (Lang::Zh, SiteState::Persisting) => "持续存在".into(),
        (Lang::Zh, SiteState::Grown) => format!("面积扩大（上期{prev_mu:.2}亩）"),
        (Lang::Zh, SiteState::Gone) => "本期未再检出".into(),
        (Lang::Zh, SiteState::Suppressed) => "已销号".into(),
        (Lang::En, SiteState::Grown) => format!("grown (previously {prev_mu:.2} mu)"),
        (Lang::En, s) => s.as_str().to_string(),
    }
}

/// The remarks: state, flags, relation, members by class, chips, the team's note and (in
/// English) the sweep's reason.
pub fn remarks(site: &Site, lang: Lang) -> String {
    let sep = list_sep(lang);
    let mut parts = vec![state_phrase(site, lang)];
    if site.resealing_breach {
        parts.push(match lang {
            Lang::Zh => "封堵后再次出现变化，优先核查".into(),
            Lang::En => "change after sealing: check first".into(),
        });
    }
    if site.reactivated {
        parts.push(match lang {
            Lang::Zh => "关闭矿山沉寂后重新活动".into(),
            Lang::En => "closed mine active again after a quiet period".into(),
        });
    }
    parts.push(relation_phrase(site.relation, site.distance_m, lang));
    if !site.members.is_empty() {
        let counts = site
            .class_counts
            .iter()
            .map(|(c, n)| format!("{}×{n}", class_label(*c, lang)))
            .collect::<Vec<_>>()
            .join(sep);
        let ids = site.members.join(sep);
        parts.push(match lang {
            Lang::Zh => format!("{}处变化：{counts}（{ids}）", site.members.len()),
            Lang::En => format!("{} objects: {counts} ({ids})", site.members.len()),
        });
    }
    if let Some(c) = &site.chips {
        let files = [&c.before, &c.after, &c.false_colour]
            .map(String::as_str)
            .join(sep);
        parts.push(match lang {
            Lang::Zh => format!("影像：{files}"),
            Lang::En => format!("chips: {files}"),
        });
    }
    if let Some(note) = site.verdict.as_ref().and_then(|v| v.note.as_deref()) {
        parts.push(match lang {
            Lang::Zh => format!("核查备注：{note}"),
            Lang::En => format!("team note: {note}"),
        });
    }
    if lang == Lang::En && !site.reason.is_empty() {
        parts.push(site.reason.clone());
    }
    let joiner = match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    };
    parts.join(joiner)
}

/// The 16 cells of one ledger row.
pub fn row(seq: usize, site: &Site, lang: Lang) -> [String; 16] {
    let verdict = site.verdict.as_ref();
    let sealing = verdict
        .and_then(|v| v.sealing.clone())
        .or_else(|| {
            verdict
                .filter(|v| v.verdict == Verdict::Sealed)
                .map(|_| Verdict::Sealed.label(lang).to_string())
        })
        .or_else(|| {
            site.mine_sealing.map(|s| match lang {
                Lang::Zh => s.chinese().to_string(),
                Lang::En => s.as_str().to_string(),
            })
        })
        .unwrap_or_default();
    [
        seq.to_string(),
        site.id.clone(),
        site.county.clone().unwrap_or_default(),
        format!("{:.6}", site.lon),
        format!("{:.6}", site.lat),
        type_cell(site, lang),
        format!("{:.2}", site.area_mu()),
        mine_cell(site),
        site.mine_status
            .map(|s| status_label(s, lang).to_string())
            .unwrap_or_default(),
        site.distance_m
            .map(|d| format!("{:.0}", d.round()))
            .unwrap_or_default(),
        format!("{:.2}", site.score),
        yes_no(site.mandatory_check, lang).to_string(),
        verdict_cell(site, lang),
        sealing,
        verdict
            .and_then(|v| v.responsible.clone())
            .or_else(|| site.mine_responsible.clone())
            .unwrap_or_default(),
        remarks(site, lang),
    ]
}

/// The whole ledger file: BOM, header row, one row per site for which
/// [`Site::in_ledger`] holds, CRLF line ends.
pub fn ledger_csv(sites: &[Site], lang: Lang) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(headers(lang)).map_err(|e| e.to_string())?;
    for (k, site) in sites.iter().filter(|s| s.in_ledger()).enumerate() {
        w.write_record(row(k + 1, site, lang))
            .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
