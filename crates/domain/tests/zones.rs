//! The shipped Harbin demo planning zones (合规性审查 data): they load and validate, a site
//! straddling two zones reports both with their areas, a site inside the farmland's hole
//! (a village left out) reports nothing, and broken zone files are refused with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::consultation::site::{Datum, Site};
use permitdesk_domain::consultation::*;

fn site(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> Site {
    Site::from_geojson_str(
        &format!(
            r#"{{"type":"Polygon","coordinates":[[[{lon0},{lat0}],[{lon1},{lat0}],[{lon1},{lat1}],[{lon0},{lat1}],[{lon0},{lat0}]]]}}"#
        ),
        Datum::Cgcs2000,
    )
    .unwrap()
}

#[test]
fn the_demo_zones_load_with_every_kind_of_control() {
    let zones = PlanningZone::demo().unwrap();
    assert_eq!(zones.len(), 5);
    for kind in [
        "居住用地",
        "商业用地",
        "工业用地",
        "生态保护红线",
        "永久基本农田",
    ] {
        assert!(
            zones.iter().any(|z| z.land_use.contains(kind)),
            "no zone of kind {kind}"
        );
    }
    assert!(zones.iter().all(|z| z.datum == Datum::Cgcs2000));
    // The industrial zone is a MultiPolygon, the farmland has a hole.
    assert_eq!(
        zones
            .iter()
            .find(|z| z.code == "HRB-PF-M2-0301")
            .unwrap()
            .polygons
            .len(),
        2
    );
    assert_eq!(
        zones
            .iter()
            .find(|z| z.code == "HRB-HL-JBNT-0001")
            .unwrap()
            .polygons[0]
            .rings
            .len(),
        2
    );
}

#[test]
fn a_site_across_the_residential_and_commercial_plots_reports_both_with_areas() {
    let zones = PlanningZone::demo().unwrap();
    // 0.004° of longitude by 0.003° of latitude, centred on the plots' shared edge (126.57°E).
    let s = site(126.5680, 45.8320, 126.5720, 45.8350);
    let total = s.area_m2();
    let findings = compliance_findings(&s, &zones).unwrap();
    let codes: Vec<&str> = findings.iter().map(|f| f.zone.as_str()).collect();
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(codes.contains(&"HRB-SB-R2-0101") && codes.contains(&"HRB-SB-B1-0102"));
    for f in &findings {
        let half = total / 2.0;
        assert!(
            (f.area_m2 as f64 - half).abs() / half < 0.01,
            "{}: {} m² of {total:.0} m²",
            f.zone,
            f.area_m2
        );
        assert!((4_950..=5_050).contains(&f.share_bp), "{f:?}");
    }
    // About 310 m × 333 m at Harbin's latitude: 10.3 ha, split in two.
    let sum: u64 = findings.iter().map(|f| f.area_m2).sum();
    assert!((100_000..107_000).contains(&sum), "{sum}");
    assert!(((sum as f64) - total).abs() < 2.0, "{sum} vs {total}");
}

#[test]
fn sites_are_judged_by_what_they_overlap_and_holes_are_left_out() {
    let zones = PlanningZone::demo().unwrap();
    // Wholly inside the ecological red line.
    let red = compliance_findings(&site(126.5700, 45.7900, 126.5750, 45.7950), &zones).unwrap();
    assert_eq!(red.len(), 1);
    assert_eq!(red[0].land_use, "生态保护红线");
    assert_eq!(red[0].share_bp, 10_000);
    // Inside the village hole of the farmland: nothing.
    let hole = compliance_findings(&site(126.6020, 45.9370, 126.6060, 45.9400), &zones).unwrap();
    assert_eq!(hole, vec![]);
    // Half in the hole, half on farmland: only the farmland half counts.
    let s = site(126.6060, 45.9370, 126.6100, 45.9400);
    let half = compliance_findings(&s, &zones).unwrap();
    assert_eq!(half.len(), 1);
    assert!((4_950..=5_050).contains(&half[0].share_bp), "{half:?}");
    // In the city centre (南岗区), away from every demo zone.
    assert_eq!(
        compliance_findings(&site(126.6300, 45.7500, 126.6350, 45.7530), &zones).unwrap(),
        vec![]
    );
}

#[test]
fn broken_zone_files_are_refused_with_the_reason() {
    let duplicate = DEMO_ZONES_GEOJSON.replace("HRB-SB-B1-0102", "HRB-SB-R2-0101");
    assert_eq!(
        PlanningZone::from_geojson_collection(&duplicate, Datum::Cgcs2000),
        Err(ZoneError::DuplicateCode {
            code: "HRB-SB-R2-0101".into()
        })
    );
    let no_use = DEMO_ZONES_GEOJSON.replace("\"land_use\": \"生态保护红线\",", "");
    assert!(matches!(
        PlanningZone::from_geojson_collection(&no_use, Datum::Cgcs2000),
        Err(ZoneError::MissingProperty {
            index: 4,
            property: "land_use"
        })
    ));
    // Longitude and latitude swapped: outside Heilongjiang.
    let swapped = DEMO_ZONES_GEOJSON.replace("[126.5500, 45.7850]", "[45.7850, 126.5500]");
    assert!(matches!(
        PlanningZone::from_geojson_collection(&swapped, Datum::Cgcs2000),
        Err(ZoneError::Geometry { .. })
    ));
}
