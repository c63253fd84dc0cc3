//! Golden reports: every preset at a pinned seed must give exactly the report
//! stored in `tests/golden/<preset>.json`. Regenerate deliberately with
//! `UPDATE_GOLDEN=1 cargo test -p msgsim-sim --test sim golden`.

use std::path::PathBuf;

use msgsim_sim::presets;

use crate::support::run;

const SEED: u64 = 1;

fn golden_path(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{id}.json"))
}

#[test]
fn every_preset_matches_its_golden_report() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for p in presets::all() {
        let report = run(&p.scenario, SEED).report();
        let got = serde_json::to_string_pretty(&report).expect("report serializes") + "\n";
        let path = golden_path(p.id);
        if update {
            std::fs::write(&path, &got).expect("write golden");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(_) => failures.push(format!("{}: report differs from {}", p.id, path.display())),
            Err(e) => failures.push(format!("{}: cannot read {}: {e}", p.id, path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(regenerate with UPDATE_GOLDEN=1 if the change is intended)",
        failures.join("\n")
    );
}
