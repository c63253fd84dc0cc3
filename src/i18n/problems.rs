//! Validation problems in the reader's language.

use msgsim_sim::{Problem, ProblemKind, problem_number as num};

use super::Lang;

/// The problem's message in `lang`.
pub fn problem_message(lang: Lang, kind: &ProblemKind) -> String {
    use ProblemKind::*;
    if lang == Lang::En {
        return kind.english();
    }
    match kind {
        Json { detail } => format!("JSON 无法解析：{detail}"),
        Version { got } => format!("必须为 {}，实际为 {got}", msgsim_sim::SCENARIO_VERSION),
        NewerVersion { got } => format!(
            "该场景由更新版本的 msgsim 创建（格式版本 {got}）；本版本只能读取版本 {}",
            msgsim_sim::SCENARIO_VERSION
        ),
        Probability { got } => format!("必须是 0 到 1 之间的概率，实际为 {}", num(*got)),
        Duration { positive, got } => {
            format!("必须是{}的毫秒数，实际为 {}", if *positive { "大于 0" } else { "不小于 0" }, num(*got))
        }
        TooLong { max_ms, got } => format!("最多 {} 毫秒，实际为 {}", num(*max_ms), num(*got)),
        Between { lo, hi, got } => format!("必须在 {} 到 {} 之间，实际为 {}", num(*lo), num(*hi), num(*got)),
        PositiveAtMost { max, got } => format!("必须大于 0 且不超过 {}，实际为 {}", num(*max), num(*got)),
        AtLeastField { other, bound, got } => format!("必须不小于 {other}（{}），实际为 {}", num(*bound), num(*got)),
        GreaterThanField { other, bound, got } => format!("必须大于 {other}（{}），实际为 {}", num(*bound), num(*got)),
        Empty => "不能为空".into(),
        NameTooLong { max } => format!("最多 {max} 个字符"),
        Reserved => "“*” 保留给链路覆盖使用".into(),
        NameTaken { name } => format!("“{name}” 已被其他生产者、交换机、队列、主题或消费者组使用"),
        NoQueue { name, known } if known.is_empty() => format!("没有名为 “{name}” 的队列（尚未定义任何队列）"),
        NoQueue { name, known } => format!("没有名为 “{name}” 的队列（现有队列：{}）", known.join("、")),
        NoGroup { name, known } => {
            format!("没有名为 “{name}” 的生产者、队列或消费者组（可选：{} 或 “*”）", known.join("、"))
        }
        NeedsOne => "至少需要一项".into(),
        SyncNoConsumer { queue } => format!("同步调用会直接调用 “{queue}” 的消费者，但没有消费者组读取该队列"),
        QueueTaken { queue, group } => {
            format!(
                "队列 “{queue}” 已由消费者组 “{group}” 读取；同一队列的竞争消费者应属于同一组（请增加该组的实例数）"
            )
        }
        NoInstance { count, got } => format!("该组共有 {count} 个实例（从 0 开始编号），实际为 {got}"),
        TooManyMessages { total, max } => format!("总共将生产 {total} 条消息，上限为 {max}"),
        TooManyNodes { nodes, max } => format!("拓扑共有 {nodes} 个节点，上限为 {max}"),
        BelowResolution { positive: true, got } => {
            format!("至少为 0.001 毫秒（1 微秒，引擎的时间精度），实际为 {}", num(*got))
        }
        BelowResolution { positive: false, got } => {
            format!("必须为 0 或至少 0.001 毫秒（1 微秒，引擎的时间精度），实际为 {}", num(*got))
        }
        TooManyEntries { max, got } => format!("共有 {got} 项，必须不超过 {max} 项"),
        TooManyWindows { total, max } => format!("场景中共有 {total} 个中断时间窗，必须不超过 {max} 个"),
        TextTooLong { max, got } => format!("共有 {got} 个字符，必须不超过 {max} 个"),
        StartsAfterEnd { duration_ms } => {
            format!("在运行结束（duration_ms 为 {}）之后才开始：不会生产任何消息", num(*duration_ms))
        }
        ExpectedObject => "必须是 JSON 对象（{…}），而不是数组".into(),
        NoTarget { name, known } => format!("没有名为 “{name}” 的队列、交换机或主题（现有：{}）", known.join("、")),
        NoSource { name, known } => format!("没有名为 “{name}” 的队列或主题（现有：{}）", known.join("、")),
        SyncToTopic { topic } => {
            format!("同步调用直接调用一个服务；“{topic}” 是主题（请用发布确认或发后即忘发送给它）")
        }
        SyncToExchange { exchange } => {
            format!("同步调用直接调用一个服务；“{exchange}” 是交换机（请用发布确认或发后即忘发送给它）")
        }
        KeysNeedDirect => "fanout 交换机把每条消息路由到所有绑定的队列；按键路由需要 direct 类型".into(),
        BoundTwice { queue } => format!("队列 “{queue}” 被两次绑定到这个交换机"),
        PublishSync => "服务以发后即忘或发布确认的方式发布，不能用同步方式".into(),
        BetweenWritesNeedsPublish => {
            "between_writes 是服务在本地提交与发布之间崩溃：这个组不发布任何消息（请设置 publish，或选择 before_effect、after_effect）".into()
        }
        MidTransactionNeedsSaga => {
            "mid_transaction 是 Saga 或两阶段提交进行到一半时的崩溃：这个组两者都不运行（请设置 saga，或选择其他崩溃点）".into()
        }
        StepCannotFail => "没有补偿的步骤不能失败：请把 fail_probability 设为 0，或为它加上补偿".into(),
        NeedsCompensation { later } => format!("这个步骤需要补偿：后面的步骤（“{later}”）可能失败，那时必须撤销这一步"),
        SagaFromTopic => "Saga 的编排者从队列而不是主题接收订单".into(),
        EventStoreNeedsQueue => "事件存储由从队列接收命令、且不运行 Saga 的组写入".into(),
        RebuildWithVersions => "按版本顺序应用的组在这里不能重建：请关闭 idempotency.versions，或取消重建".into(),
        PublishCycle { cycle } => format!("这些服务互相循环发布（{cycle}）：每条消息都会产生新的消息，永无止境"),
        NoNode { name, known } => {
            format!("没有名为 “{name}” 的生产者组、交换机、队列、主题、消费者组或 Saga 服务（现有：{}）", known.join("、"))
        }
        FileTooLarge { max_bytes } => format!("文件超过 {max_bytes} 字节；必须不超过 {max_bytes} 字节"),
        InexactNumber { written } => {
            format!("{written} 无法精确保存：请写成最多 15 位有效数字、介于 1e-22 与 1e14 之间的数")
        }
        OverMemoryBudget { needs_mb, budget_mb } => {
            format!(
                "本次运行至少需要 {needs_mb} MB 内存，超过了 {budget_mb} MB 的预算（减少消息数、键数或组数即可容纳）"
            )
        }
    }
}

/// `path: message` in `lang`.
pub fn problem_line(lang: Lang, p: &Problem) -> String {
    let m = problem_message(lang, &p.kind);
    if p.path.is_empty() { m } else { format!("{}: {m}", p.path) }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One problem of every kind.
    pub(crate) fn every_kind() -> Vec<ProblemKind> {
        let s = |x: &str| x.to_string();
        vec![
            ProblemKind::Json { detail: s("x") },
            ProblemKind::Version { got: 0 },
            ProblemKind::NewerVersion { got: 9 },
            ProblemKind::Probability { got: 2.0 },
            ProblemKind::Duration { positive: true, got: -1.0 },
            ProblemKind::TooLong { max_ms: 1.0, got: 2.0 },
            ProblemKind::Between { lo: 1.0, hi: 2.0, got: 3.0 },
            ProblemKind::PositiveAtMost { max: 1.0, got: 0.0 },
            ProblemKind::AtLeastField { other: s("a"), bound: 1.0, got: 0.0 },
            ProblemKind::GreaterThanField { other: s("a"), bound: 1.0, got: 0.0 },
            ProblemKind::Empty,
            ProblemKind::NameTooLong { max: 4 },
            ProblemKind::Reserved,
            ProblemKind::NameTaken { name: s("q") },
            ProblemKind::NoQueue { name: s("q"), known: vec![] },
            ProblemKind::NoQueue { name: s("q"), known: vec![s("a"), s("b")] },
            ProblemKind::NoGroup { name: s("g"), known: vec![s("a")] },
            ProblemKind::NeedsOne,
            ProblemKind::SyncNoConsumer { queue: s("q") },
            ProblemKind::QueueTaken { queue: s("q"), group: s("g") },
            ProblemKind::NoInstance { count: 1, got: 3 },
            ProblemKind::TooManyMessages { total: 9, max: 1 },
            ProblemKind::TooManyNodes { nodes: 9, max: 1 },
            ProblemKind::BelowResolution { positive: true, got: 0.0001 },
            ProblemKind::BelowResolution { positive: false, got: 0.0001 },
            ProblemKind::TooManyEntries { max: 1, got: 2 },
            ProblemKind::TooManyWindows { total: 2, max: 1 },
            ProblemKind::TextTooLong { max: 1, got: 2 },
            ProblemKind::StartsAfterEnd { duration_ms: 1.0 },
            ProblemKind::ExpectedObject,
            ProblemKind::FileTooLarge { max_bytes: 1 },
            ProblemKind::InexactNumber { written: s("0.30000000000000004") },
            ProblemKind::OverMemoryBudget { needs_mb: 2, budget_mb: 1 },
            ProblemKind::NoTarget { name: s("x"), known: vec![s("q"), s("events")] },
            ProblemKind::SyncToExchange { exchange: s("events") },
            ProblemKind::NoSource { name: s("x"), known: vec![s("q"), s("log")] },
            ProblemKind::SyncToTopic { topic: s("log") },
            ProblemKind::KeysNeedDirect,
            ProblemKind::BoundTwice { queue: s("q") },
            ProblemKind::PublishSync,
            ProblemKind::BetweenWritesNeedsPublish,
            ProblemKind::MidTransactionNeedsSaga,
            ProblemKind::StepCannotFail,
            ProblemKind::NeedsCompensation { later: s("shipping") },
            ProblemKind::SagaFromTopic,
            ProblemKind::EventStoreNeedsQueue,
            ProblemKind::RebuildWithVersions,
            ProblemKind::PublishCycle { cycle: s("a → b → a") },
            ProblemKind::NoNode { name: s("x"), known: vec![s("q")] },
        ]
    }

    /// Every kind has a Chinese message that differs from the English one.
    #[test]
    fn every_kind_is_translated() {
        for k in every_kind() {
            let (en, zh) = (problem_message(Lang::En, &k), problem_message(Lang::Zh, &k));
            assert!(!zh.is_empty() && zh != en, "{k:?}");
            assert!(!zh.is_ascii(), "{k:?} has no Chinese: {zh}");
        }
    }
}
