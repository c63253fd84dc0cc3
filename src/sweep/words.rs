//! The sweep panel's words, `Word => (English, 简体中文)`: in the sweep
//! module only, so the page's own download does not carry them.

use crate::i18n::Lang;

crate::i18n::texts! { Word;
    Intro => (
        "Vary one setting over a range, run each value with several seeds, and plot a report figure's mean with its 95% confidence band. Where a closed form applies, theory's curve is drawn dashed beside it.",
        "让一个设置在一个范围内变化，每个取值用多个种子运行，画出报告指标的均值及其 95% 置信带。有解析公式适用时，理论曲线以虚线画在旁边。"
    ),
    Vary => ("Vary (field)", "变化的字段"),
    NotANumber => ("“{0}” is not a number", "“{0}”不是数字"),
    WholeNumber => ("must be a whole number from 1 to {0}, got “{1}”", "必须是 1 到 {0} 之间的整数，而不是“{1}”"),
    ChooseVary => ("choose the field to vary", "请选择要变化的字段"),
    SeriesNumbers => ("list the series' values as numbers, e.g. 1, 2, 3", "请用数字列出分组取值，例如 1、2、3"),
    Unreadable => ("The link's sweep could not be read; the form is as it was.", "无法读取链接中的扫描设置；表单保持不变。"),
    NameFigure => ("name at least one report figure", "请至少填写一个报告指标"),
    From => ("From", "从"),
    To => ("To", "到"),
    Steps => ("Steps", "步数"),
    Log => ("logarithmic", "对数刻度"),
    Series => ("Series (field, optional)", "分组字段（可选）"),
    SeriesValues => ("Series values", "分组取值"),
    Seeds => ("Seeds per point", "每点种子数"),
    Figures => ("Figures", "指标"),
    Workers => ("Workers", "工作线程"),
    Run => ("Run sweep", "运行扫描"),
    Cancel => ("Cancel", "取消"),
    Progress => ("{0} of {1} points · {2} of {3} runs · about {4} s left", "{1} 个点中完成 {0} 个 · {3} 次运行中完成 {2} 次 · 约剩 {4} 秒"),
    DoneOne => ("{0} runs in {1} s on one worker.", "{0} 次运行，用时 {1} 秒，1 个工作线程。"),
    Done => ("{0} runs in {1} s on {2} workers.", "{0} 次运行，用时 {1} 秒，{2} 个工作线程。"),
    Cancelled => ("Cancelled after {0} of {1} runs; the points that finished are shown.", "已在 {1} 次运行中的第 {0} 次后取消；只显示已完成的点。"),
    Failed => ("A worker could not run the sweep: {0}", "工作线程无法运行扫描：{0}"),
    Ask => ("This sweep is about {0} million engine events, over the budget of {1} million: it may take minutes. Run it anyway?", "这次扫描约有 {0} 百万个引擎事件，超出 {1} 百万的预算，可能需要几分钟。仍然运行吗？"),
    RunAnyway => ("Run anyway", "仍然运行"),
    Keep => ("Not now", "暂不运行"),
    Cannot => ("The sweep cannot start:", "扫描无法开始："),
    Theory => ("theory", "理论"),
    NoRuns => ("no point finished yet", "还没有完成的点"),
    TheoryFor => ("Theory overlay for this scenario:", "本场景的理论曲线："),
    Meets => ("applies", "适用"),
    Needs => ("needs {0}", "需要{0}"),
    NoTheory => ("No theory is drawn: {0}", "未画理论曲线：{0}"),
    ColSeries => ("series", "分组"),
    ColValue => ("value", "取值"),
    ColFigure => ("figure", "指标"),
    ColMean => ("mean", "均值"),
    ColCi => ("± 95%", "± 95%"),
    ColRuns => ("runs", "运行数"),
    NotOneStation => ("one producer group, one queue and one consumer group, nothing else", "只有一组生产者、一个队列和一组消费者"),
    ArrivalsNotPoisson => ("Poisson arrivals", "泊松到达"),
    ServiceNotExponential => ("exponential processing times", "指数分布的处理时间"),
    QueueNotPlain => ("an unbounded queue, manual acks, no ack timeout, and prefetch equal to the consumers' concurrency", "无容量上限的队列、手动确认、无确认超时，且预取数等于消费者并发数"),
    LinksNotPerfect => ("links that take no time and lose or duplicate nothing", "不耗时、不丢失也不重复的链路"),
    NotFaultFree => ("no crashes, no poison messages, and no synchronous calls", "没有崩溃、没有毒消息、没有同步调用"),
    NotOneServer => ("one server (one consumer, concurrency 1)", "只有一个服务台（一个消费者，并发数 1）"),
    NoCapacity => ("a queue capacity (K − 1 waiting places)", "队列容量（K − 1 个等待位置）"),
    LossNotOnPublishLink => ("loss only on the link from the producers to the queue (a link override), and no other loss, duplication or outage", "只有从生产者到队列的链路丢失消息（链路覆盖设置），没有其他丢失、重复或中断"),
}

/// `w` in `lang`.
pub fn w(lang: Lang, w: Word) -> &'static str {
    crate::i18n::pick(lang, text(w))
}

/// `w` in `lang` with `{0}`, `{1}`, … filled in.
pub fn wf(lang: Lang, word: Word, args: &[&dyn std::fmt::Display]) -> String {
    crate::i18n::fill(w(lang, word), args)
}
