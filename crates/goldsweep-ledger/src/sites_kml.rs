//! `sites.kml`: one placemark per ledger site for the field apps teams carry (Ovital/奥维,
//! 两步路, Google Earth, OsmAnd): name = ledger number + type, a description with area, 亩,
//! relation, mine, score and the coordinates ready to paste into a navigation app, and the
//! site's fields as `ExtendedData`. Mandatory sites use a red pin, the others yellow.
//!
//! Coordinates are WGS84, as KML requires. Apps that show GCJ-02 base maps (Amap, Baidu)
//! convert on import; pasting raw WGS84 numbers into them puts the pin a few hundred metres off.

use std::io;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::labels::{list_sep, relation_phrase, status_label, yes_no, Lang};
use crate::ledger_csv::{mine_cell, type_cell, verdict_cell};
use crate::site::Site;

/// File name in the run folder.
pub const SITES_KML: &str = "sites.kml";

fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

fn style(w: &mut Writer<Vec<u8>>, id: &str, colour: &str) -> io::Result<()> {
    w.write_event(Event::Start(
        BytesStart::new("Style").with_attributes([("id", id)]),
    ))?;
    w.write_event(Event::Start(BytesStart::new("IconStyle")))?;
    text_element(w, "color", colour)?;
    w.write_event(Event::Start(BytesStart::new("Icon")))?;
    text_element(
        w,
        "href",
        "http://maps.google.com/mapfiles/kml/pushpin/wht-pushpin.png",
    )?;
    w.write_event(Event::End(BytesEnd::new("Icon")))?;
    w.write_event(Event::End(BytesEnd::new("IconStyle")))?;
    w.write_event(Event::End(BytesEnd::new("Style")))
}

/// The placemark description: one fact per line.
pub fn description(site: &Site, lang: Lang) -> String {
    let coords = format!("{:.6},{:.6}", site.lat, site.lon);
    let status = site
        .mine_status
        .map(|s| format!(" {}", status_label(s, lang)))
        .unwrap_or_default();
    let mine = mine_cell(site);
    let mut lines = match lang {
        Lang::Zh => vec![
            format!("编号：{}", site.id),
            format!("类型：{}", type_cell(site, lang)),
            format!(
                "面积：{:.0} 平方米（{:.2} 亩）",
                site.area_m2,
                site.area_mu()
            ),
            format!(
                "位置：{}",
                relation_phrase(site.relation, site.distance_m, lang)
            ),
            format!(
                "关联矿山：{}{status}",
                if mine.is_empty() { "无" } else { &mine }
            ),
            format!("评分：{:.2}", site.score),
            format!("是否需实地核查：{}", yes_no(site.mandatory_check, lang)),
            format!("状态：{}", site.state.as_str()),
            format!("经度 {:.6}，纬度 {:.6}（WGS84）", site.lon, site.lat),
            format!("导航坐标（纬度,经度）：{coords}"),
            format!("geo:{coords}"),
        ],
        Lang::En => vec![
            format!("id: {}", site.id),
            format!("type: {}", type_cell(site, lang)),
            format!("area: {:.0} m² ({:.2} mu)", site.area_m2, site.area_mu()),
            format!(
                "where: {}",
                relation_phrase(site.relation, site.distance_m, lang)
            ),
            format!(
                "mine: {}{status}",
                if mine.is_empty() { "none" } else { &mine }
            ),
            format!("score: {:.2}", site.score),
            format!(
                "field check required: {}",
                yes_no(site.mandatory_check, lang)
            ),
            format!("state: {}", site.state.as_str()),
            format!("lon {:.6}, lat {:.6} (WGS84)", site.lon, site.lat),
            format!("navigation (lat,lon): {coords}"),
            format!("geo:{coords}"),
        ],
    };
    let verdict = verdict_cell(site, lang);
    if !verdict.is_empty() {
        lines.push(match lang {
            Lang::Zh => format!("核查结论：{verdict}"),
            Lang::En => format!("verdict: {verdict}"),
        });
    }
    if site.resealing_breach {
        lines.push(match lang {
            Lang::Zh => "封堵后再次出现变化，优先核查".to_string(),
            Lang::En => "change after sealing: check first".to_string(),
        });
    }
    if !site.members.is_empty() {
        lines.push(site.members.join(list_sep(lang)));
    }
    lines.join("\n")
}

/// The whole KML document, one placemark per site for which [`Site::in_ledger`] holds, named
/// like the ledger rows.
pub fn sites_kml(sites: &[Site], lang: Lang) -> Result<String, String> {
    write_kml(sites, lang).map_err(|e| e.to_string())
}

fn write_kml(sites: &[Site], lang: Lang) -> io::Result<String> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("kml").with_attributes([("xmlns", "http://www.opengis.net/kml/2.2")]),
    ))?;
    w.write_event(Event::Start(BytesStart::new("Document")))?;
    text_element(
        &mut w,
        "name",
        match lang {
            Lang::Zh => "goldsweep 疑似盗采点位",
            Lang::En => "goldsweep suspected sites",
        },
    )?;
    style(&mut w, "mandatory", "ff0000ff")?;
    style(&mut w, "normal", "ff00ffff")?;
    for (k, site) in sites.iter().filter(|s| s.in_ledger()).enumerate() {
        w.write_event(Event::Start(BytesStart::new("Placemark")))?;
        let name = format!("{} {}", k + 1, type_cell(site, lang));
        text_element(&mut w, "name", &name)?;
        text_element(&mut w, "description", &description(site, lang))?;
        let style_url = if site.mandatory_check {
            "#mandatory"
        } else {
            "#normal"
        };
        text_element(&mut w, "styleUrl", style_url)?;
        w.write_event(Event::Start(BytesStart::new("ExtendedData")))?;
        let fields = [
            ("id", site.id.clone()),
            ("state", site.state.as_str().to_string()),
            ("area_mu", format!("{:.2}", site.area_mu())),
            ("score", format!("{:.4}", site.score)),
            ("mandatory_check", site.mandatory_check.to_string()),
        ];
        for (key, value) in fields {
            w.write_event(Event::Start(
                BytesStart::new("Data").with_attributes([("name", key)]),
            ))?;
            text_element(&mut w, "value", &value)?;
            w.write_event(Event::End(BytesEnd::new("Data")))?;
        }
        w.write_event(Event::End(BytesEnd::new("ExtendedData")))?;
        w.write_event(Event::Start(BytesStart::new("Point")))?;
        text_element(
            &mut w,
            "coordinates",
            &format!("{:.7},{:.7},0", site.lon, site.lat),
        )?;
        w.write_event(Event::End(BytesEnd::new("Point")))?;
        w.write_event(Event::End(BytesEnd::new("Placemark")))?;
    }
    w.write_event(Event::End(BytesEnd::new("Document")))?;
    w.write_event(Event::End(BytesEnd::new("kml")))?;
    let mut text = String::from_utf8(w.into_inner())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    text.push('\n');
    Ok(text)
}
