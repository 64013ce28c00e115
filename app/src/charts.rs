//! Charts drawn by the shop itself as SVG (no chart scripts from elsewhere), for staff and
//! partners alike. Each is a figure
//! with a caption, an accessible summary, and the figures as a table for those who cannot see
//! it or want the numbers.

use crate::page::TableScroll;
use leptos::prelude::*;

/// Chart height in SVG units; widths follow the number of bars, and the SVG scales to its box.
const HEIGHT: u32 = 120;
const BAR: u32 = 10;
const GAP: u32 = 4;
const AXIS: u32 = 16;

/// A bar per value (such as revenue per day), with `format` writing a value for people.
#[component]
pub fn BarChart(
    id: &'static str,
    caption: String,
    /// A sentence for screen readers: the total, the busiest bar.
    summary: String,
    /// The first column's heading in the table.
    label_heading: &'static str,
    value_heading: &'static str,
    labels: Vec<String>,
    values: Vec<i64>,
    format: fn(i64) -> String,
) -> impl IntoView {
    let top = chart_top(values.iter().copied().max().unwrap_or(0));
    let heights = bar_heights(&values, top, HEIGHT);
    let width = (values.len() as u32).max(1) * (BAR + GAP);
    let caption_id = format!("{id}-caption");
    let caption_text = caption.clone();
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    view! {
        <figure class="chart" data-testid=id>
            <figcaption id=caption_id.clone()>{caption}</figcaption>
            <svg
                viewBox=format!("0 0 {} {}", width + AXIS * 3, HEIGHT + AXIS * 2)
                role="img"
                aria-labelledby=caption_id
                aria-describedby=format!("{id}-summary")
            >
                <line class="chart__axis" x1="0" y1=HEIGHT + 1 x2=width y2=HEIGHT + 1/>
                <line class="chart__grid" x1="0" y1="1" x2=width y2="1"/>
                <text class="chart__label" x=width + 4 y="10">{format(top)}</text>
                {heights.iter().zip(&values).zip(&labels).enumerate().map(|(i, ((h, v), label))| view! {
                    <rect class="chart__bar" x=i as u32 * (BAR + GAP) y=HEIGHT - h width=BAR height=(*h).max(u32::from(*v > 0))>
                        <title>{format!("{label}: {}", format(*v))}</title>
                    </rect>
                }).collect_view()}
                <text class="chart__label" x="0" y=HEIGHT + AXIS>{first}</text>
                <text class="chart__label" x=width y=HEIGHT + AXIS text-anchor="end">{last}</text>
            </svg>
            <p id=format!("{id}-summary") class="note">{summary}</p>
            <details>
                <summary>"Show the figures"</summary>
                <TableScroll label=format!("{caption_text}: the figures")>
                    <table class="staff-table">
                        <thead><tr><th scope="col">{label_heading}</th><th scope="col">{value_heading}</th></tr></thead>
                        <tbody>
                            {labels.iter().zip(&values).map(|(label, v)| view! {
                                <tr><th scope="row">{label.clone()}</th><td>{format(*v)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            </details>
        </figure>
    }
}

/// One horizontal bar per row (such as orders by status), each labelled with its value, so
/// the chart is its own text alternative.
#[component]
pub fn RowChart(id: &'static str, caption: String, rows: Vec<(String, i64)>) -> impl IntoView {
    let top = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let row_height = 22;
    let height = rows.len() as u32 * row_height;
    let summary = rows
        .iter()
        .map(|(label, value)| format!("{label}: {value}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <figure class="chart" data-testid=id>
            <figcaption>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 300 {height}") role="img" aria-label=format!("{caption}. {summary}.")>
                {rows.into_iter().enumerate().map(|(i, (label, value))| {
                    let y = i as u32 * row_height;
                    let length = bar_heights(&[value], top, 150)[0];
                    view! {
                        <g>
                            <text class="chart__label" x="0" y=y + 14>{label.clone()}</text>
                            <rect class="chart__bar" x="110" y=y + 4 width=length.max(u32::from(value > 0)) height="12"/>
                            <text class="chart__label" x=115 + length y=y + 14>{value.to_string()}</text>
                            <title>{format!("{label}: {value}")}</title>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// A round number at or above `max` for a chart's top line: 1, 2 or 5 times a power of ten.
pub fn chart_top(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1i64;
    loop {
        for factor in [1, 2, 5] {
            if let Some(top) = step.checked_mul(factor) {
                if top >= max {
                    return top;
                }
            }
        }
        match step.checked_mul(10) {
            Some(next) => step = next,
            None => return max,
        }
    }
}

/// Each value's bar height in a chart `height` units tall whose top line is `top`.
pub fn bar_heights(values: &[i64], top: i64, height: u32) -> Vec<u32> {
    values
        .iter()
        .map(|v| {
            let scaled = i128::from((*v).max(0)) * i128::from(height) / i128::from(top.max(1));
            u32::try_from(scaled.min(i128::from(height))).unwrap_or(height)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tops_are_round_numbers() {
        assert_eq!(chart_top(0), 1);
        assert_eq!(chart_top(7), 10);
        assert_eq!(chart_top(13), 20);
        assert_eq!(chart_top(200), 200);
        assert_eq!(chart_top(201), 500);
        assert_eq!(chart_top(123_456), 200_000);
    }

    proptest! {
        #[test]
        fn bars_fit_the_chart_and_keep_their_order(values in proptest::collection::vec(0i64..1_000_000, 1..40)) {
            let top = chart_top(values.iter().copied().max().unwrap_or(0));
            let heights = bar_heights(&values, top, 120);
            prop_assert!(top >= values.iter().copied().max().unwrap_or(0));
            for (a, b) in values.iter().zip(&heights) {
                prop_assert!(*b <= 120);
                for (c, d) in values.iter().zip(&heights) {
                    if a < c { prop_assert!(b <= d); }
                }
            }
        }
    }
}
