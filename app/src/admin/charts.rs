//! Charts drawn by the shop itself as SVG (no chart scripts from elsewhere). Each is a figure
//! with a caption, an accessible summary, and the figures as a table for those who cannot see
//! it or want the numbers.

use super::overview::{bar_heights, chart_top};
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
                <div class="table-scroll">
                    <table class="staff-table">
                        <thead><tr><th scope="col">{label_heading}</th><th scope="col">{value_heading}</th></tr></thead>
                        <tbody>
                            {labels.iter().zip(&values).map(|(label, v)| view! {
                                <tr><th scope="row">{label.clone()}</th><td>{format(*v)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
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
