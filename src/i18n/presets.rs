//! Names and one-line descriptions of the built-in presets in Chinese (the
//! English ones are the preset files' own `name` and `description`). The
//! page shows names only; the descriptions are for what shows them (and the
//! tests check each states the English one's numbers).

use super::Lang;

/// `(id, 名称)`: the scenario menu.
const ZH_NAMES: &[(&str, &str)] = &[
    ("reliable-queue", "可靠的消息队列"),
    ("sync-call", "同步调用"),
    ("async-queue", "异步消息队列"),
    ("lossy-fire-and-forget", "有损链路上的发后即忘"),
    ("acks-and-retries", "发布确认与重试"),
    ("retries-with-idempotency", "重试加幂等键"),
    ("crash-before-ack", "处理后、消费确认前崩溃"),
    ("retry-storm", "重试风暴"),
    ("backoff-with-jitter", "指数退避加随机抖动"),
    ("poison-to-dlq", "毒消息进入死信队列"),
    ("queue-full", "队列已满"),
    ("backpressure", "背压"),
    ("slow-consumer", "慢消费者"),
    ("more-consumers", "更多消费者"),
    ("fan-out", "一个事件，多个服务"),
    ("sync-chain", "同步调用链"),
    ("pipeline-duplicates", "重复沿调用链成倍增加"),
    ("dual-write", "双写：崩溃让事件丢失"),
    ("dual-write-publish-first", "双写，先发布：幽灵事件"),
    ("outbox", "事务发件箱"),
    ("versions", "投影按版本顺序应用账户事件"),
    ("event-store", "四个实例追加到同一个事件存储"),
    ("saga", "Saga 补偿失败的支付"),
    ("choreography", "协同式 Saga 熬过服务宕机"),
    ("projection-rebuild", "通过重放日志重建投影"),
    ("two-phase-commit", "两阶段提交：协调者崩溃时参与者被阻塞"),
    ("broker-crash", "消息代理崩溃"),
    ("how-many-retries", "需要重试几次？"),
    ("hockey-stick", "曲棍球棒曲线"),
    ("log-keys-and-partitions", "键与分区"),
    ("log-idle-members", "成员多于分区"),
    ("log-rebalance", "成员崩溃：消费者组再均衡"),
    ("log-commit-policy", "处理之后还是之前提交"),
    ("log-acks-failover", "领导者宕机：acks=1 还是 acks=all"),
    ("log-replay", "新服务重放日志"),
    ("queue-or-log-queues", "队列还是日志：每个订阅者一个队列"),
    ("queue-or-log-log", "队列还是日志：一个日志，每个订阅者一个消费者组"),
    ("knee-queues", "拐点处的队列还是日志：队列"),
    ("knee-log", "拐点处的队列还是日志：日志"),
];

/// `(id, 说明)`: kept apart from the names, so a build that shows no
/// description (the page) carries none.
const ZH_DESCRIPTIONS: &[(&str, &str)] = &[
    ("reliable-queue", "订单经由消息队列到达库存服务，网络健康：每个订单都恰好生效一次。"),
    ("sync-call", "订单服务直接调用库存服务，每次都要等回复才发下一条。突发的订单堆积在被阻塞的调用方里。"),
    ("async-queue", "同样的突发经由消息队列：订单服务把订单交给消息代理后就继续工作，库存服务按自己的节奏消费。"),
    (
        "lossy-fire-and-forget",
        "订单服务发送后不等待发布确认；到消息代理的链路丢失 10% 的数据包，这些订单就这样消失了。",
    ),
    (
        "acks-and-retries",
        "生产者等待消息代理的发布确认，超时就重试。消息不再丢失，但发布确认丢失时订单会被发送两次，库存被扣减两次。",
    ),
    (
        "retries-with-idempotency",
        "同样的重试，但库存服务记住处理过的每个消息 ID 并跳过重复：不丢失、不重复生效——效果上恰好一次。",
    ),
    (
        "crash-before-ack",
        "库存服务实例偶尔在更新库存之后、发送消费确认之前崩溃。消息代理把订单重新投递给另一个实例，库存再次被扣减。",
    ),
    (
        "retry-storm",
        "库存服务在 300 毫秒到 1.8 秒之间宕机，订单成批到来：4 个生产者每 400 毫秒各发送 25 条，进入容量为 40 的队列。溢出的订单被拒绝，每个生产者每 50 毫秒重试一次：被拒绝的订单以同步的波次回来，在服务恢复前就耗尽了重试次数。",
    ),
    (
        "backoff-with-jitter",
        "同样的宕机和成批订单，但每次重试等待一个随机时间，上限按指数增长：等待时间累加起来足以熬过宕机，重试也分散开来，而不是成波到来。",
    ),
    (
        "poison-to-dlq",
        "少数订单永远无法处理。消息代理会重新投递失败的消息，投递 3 次后把它移入死信队列，不再阻塞消费者。",
    ),
    (
        "queue-full",
        "订单到达速度是库存服务的处理能力的两倍。队列只能容纳 20 条，其余都被拒绝，而发后即忘的生产者毫不知情。",
    ),
    (
        "backpressure",
        "同样的过载，但生产者等待发布确认、带退避重试被拒绝的订单，并且最多保留 20 条未获发布确认的消息：积压留在生产者一侧，没有任何丢失。",
    ),
    (
        "slow-consumer",
        "订单以每秒 100 条的速度到达（泊松分布）；一个库存服务实例处理每个订单平均需要 12 毫秒（指数分布），每秒约能完成 83 条：ρ = 1.2。队列以及每个订单的等待时间无限增长。（消息代理与库存服务紧挨在一起：它们之间的链路不耗时，所以一个订单只在处理期间占用实例。）",
    ),
    ("more-consumers", "同样的负载由三个竞争的库存服务实例分担：ρ = 100 × 0.012 / 3 = 0.4。队列很短，等待也很短。"),
    (
        "fan-out",
        "每个订单只向 fanout 交换机 order-events 发布一次；库存、账单和邮件服务各有自己的队列，各自收到一份副本。邮件服务最慢（每条 15 毫秒，另外两个是 4 和 6 毫秒），但在每秒 50 个订单（泊松）下，每个服务单独都跟得上，库存和账单也不必等待邮件。",
    ),
    (
        "sync-chain",
        "同样每秒 50 个订单，但订单服务依次调用库存、账单和邮件服务，每次都等待回复。三次调用画成一个服务，它的工作量是三者之和：4 + 6 + 15 = 25 毫秒，再加 4 毫秒往返。每个订单 29 毫秒，调用方每秒只能处理约 34 个订单，订单堆积在它的待发送队列里：慢的邮件服务拖慢了每一个订单。",
    ),
    (
        "pipeline-duplicates",
        "订单依次流经三个服务：库存服务向账单服务发布“已预留”事件，账单服务向发货服务发布“已扣款”事件。每条链路重复 3% 的数据包、丢失 3%，每个发送方都等待发布确认并重试。没有幂等时，每次重复生效都会再发布一个事件，重复一跳接一跳地累积。",
    ),
    (
        "dual-write",
        "订单服务先在自己的数据库里提交订单，再向发货服务发布“已下单”事件：两次写入，没有事务把它们包在一起。它处理每个订单时都可能在两次写入之间崩溃（概率 3%）。消息代理重新投递订单，但服务的幂等存储说它已经处理过：订单存在，发货服务却永远不会知道。（发货队列发出的发布确认每十个丢一个；由此引起的重试是同一条消息，发货服务的存储会跳过它们。）",
    ),
    (
        "dual-write-publish-first",
        "同一个订单服务先发布“已下单”事件，再提交订单。两次写入之间的崩溃留下一个关于尚不存在的订单的事件：发货服务照样发货。重新投递终于提交了订单，并再次发布事件，用的是新的消息 ID，发货服务的存储不认识它：发货两次。",
    ),
    (
        "outbox",
        "订单服务在同一个本地事务里写入订单和一行发件箱记录；转发器每 100 毫秒轮询发件箱，以发布确认方式发布每一行，确认后删除。同样的崩溃不再丢失任何事件：记录在崩溃后依然存在，重启后被发布。确认丢失的记录会再发一次，仍是同一条消息，所以发货服务需要它的幂等存储。",
    ),
    (
        "versions",
        "8 个账户的存款和取款发往一个维护各账户余额的投影。到消息代理的链路丢失 10% 的数据包；生产者等待发布确认，50 毫秒后重试，于是重试的事件晚于同一账户更晚的事件到达，而第一份副本已送达的重试会到达两次。按到达顺序应用时，余额会经过从未存在过的状态，有些事件被计了两次。",
    ),
    (
        "event-store",
        "10 个账户的存款和取款命令进入一个队列，由 accounts 服务的四个实例读取。每条命令在开始处理时读取其账户的事件流（即版本），用 2–10 毫秒做出决定，然后追加一个事件；这些事件再供给一个余额投影。两个实例经常同时处理同一个账户：盲目追加时，第二个事件是基于一个已不存在的余额做出的，第一个事件带来的变更就丢失了。",
    ),
    (
        "saga",
        "每个订单运行一个 Saga：订单服务依次请求支付、库存、发货，每一步都是各自服务里的本地事务。每十笔支付有一笔被拒绝，每二十次预留有一次缺货：这时订单服务请求已完成步骤的服务执行补偿（退款、释放库存），从最后一步开始。链路丢失 2% 的数据包，所以编排者 30 毫秒后再次请求；尝试 3 次后把这一步算作失败，也对它进行补偿。每个 Saga 的结局要么全部完成，要么全部补偿，绝不停在一半：每个服务按自己的记录回答重复请求，并拒绝补偿先到的步骤。",
    ),
    (
        "projection-rebuild",
        "40 个账户的存款发往一个有 3 个分区的主题，每秒 200 笔，持续 10 秒；余额服务把它们折叠成每个账户的余额。主题保留 6 秒的记录。第 8 秒时，服务重建它的投影，就像修复缺陷之后那样：它丢弃状态，从头重新读取主题。它把每条记录作为重放再应用一次，而不是重复。但最旧的记录已经不在了：重建后的余额缺少它们。",
    ),
    (
        "choreography",
        "同样的订单、支付、库存和发货服务，但没有编排者：订单服务请求支付；支付完成后自己请求库存；库存请求发货；发货通知订单服务订单已完成。被拒绝的支付或缺货会让补偿沿着链条往回传（退款、释放库存），从最后一步开始，直到订单服务。每个服务像保存自己的记录一样保存它接下来要发出的请求，30 毫秒后重发（之后每次等待加倍），直到下一个服务表示已经收到。库存服务从第 2 秒宕机到第 3.5 秒：到达它的 Saga 等待着，它恢复后继续。链路丢失 2% 的数据包。",
    ),
    (
        "two-phase-commit",
        "同样的订单、支付、库存和发货服务，改由两阶段提交协调。订单服务同时请求三个服务准备；每个服务锁定订单的商品（共 20 种商品）并投票；全部投赞成票时，协调者记录提交并通知它们，否则中止。两个协调者分担订单。每一百次决定中有一次，协调者在记录决定之后、通知任何参与者之前崩溃，一秒后恢复：事务只在它自己的日志里，所以参与者一直持有锁直到那时，其间同一商品的其他订单都被拒绝。链路丢失 2% 的数据包；协调者 50 毫秒后再次请求，尝试 3 次仍未收齐投票的事务被中止。",
    ),
    (
        "broker-crash",
        "存放 order-queue 的消息代理在 1 秒时崩溃，0.5 秒后恢复。这个队列不是持久化的：它保存的订单（已向生产者发布确认、正等待库存服务处理）随之消失。宕机期间发送的订单超时后重试，在代理恢复后到达。",
    ),
    (
        "how-many-retries",
        "到消息代理的链路丢失 30% 的发布。订单服务等待消息代理的发布确认，每个订单最多尝试一次：唯一一次尝试丢失的订单永远不会生效。扫描丢失率和尝试次数，未生效的订单数遵循 pᵏ。",
    ),
    (
        "hockey-stick",
        "订单随机到达（泊松过程，每秒 500 个），由一个平均耗时 1 毫秒（指数分布）的库存服务实例处理，链路不耗时：这是利用率 50% 的 M/M/1 队列。把到达率提高到接近每秒 1,000 个，系统中的停留时间就像曲棍球棒一样向上弯折。",
    ),
    (
        "log-keys-and-partitions",
        "8 个账户的更新进入一个有 3 个分区的主题，由一个 3 成员的消费者组读取，每个成员一个分区，处理时间各不相同。生产者轮询分发记录、不看它们的键：同一账户的更新落在不同分区，按各成员处理完成的先后生效。",
    ),
    (
        "log-idle-members",
        "订单以每秒 600 个的速度进入一个有 3 个分区的主题；billing 处理每个订单需要 4 毫秒，所以需要 2 个以上的成员才能跟上。它只有 2 个：积压越来越多。每个分区只由消费者组中的一个成员读取，所以超出分区数的成员处于空闲状态。",
    ),
    (
        "log-rebalance",
        "订单进入一个有 6 个分区的主题，由 billing 组读取：3 个成员，每个负责两个分区。成员 1 在 1 秒时崩溃，宕机 20 秒。它的分区无人读取，直到消费者组在 3 秒后因会话超时发现它离开；随后消费者组再均衡、暂停 500 毫秒，剩下的 2 个成员分担全部 6 个分区。",
    ),
    (
        "log-commit-policy",
        "订单进入一个有 4 个分区的主题，由 billing 组读取：该组有 2 个成员，每次最多拉取 50 条记录，每处理完一批就提交位点。成员 1 在 1 秒时处理到一半崩溃，0.5 秒后恢复：消费者组再均衡，并从最后提交的位点重新读取它的分区。",
    ),
    (
        "log-acks-failover",
        "订单进入一个有 3 个分区的主题，分布在 3 个代理节点上，每个分区复制到其中 2 个；追随者每 20 毫秒复制一次领导者。分区 0 的领导者所在的代理节点 0 在 1 秒时崩溃。生产者只等待领导者（acks=1）：已被告知保存、但还没有任何追随者复制的记录，在追随者接任时就消失了。",
    ),
    (
        "log-replay",
        "订单在 3 秒内进入一个有 3 个分区的主题；billing 实时读取。在 4 秒时新服务 search 启动：它还没有位点，于是从主题保留的最早记录开始，用全部历史构建自己的状态——队列已经没有任何东西可以给它了。",
    ),
    (
        "queue-or-log-queues",
        "8 个账户的更新只发布一次到扇出交换器 updates，由它为每个订阅者的队列放入一份副本：ledger 和 audit 各自读取自己的队列，各有 3 个相互竞争的消费者，并逐条确认。哪个消费者空闲就取下一条消息，所以同一账户的更新会同时被不同的消费者处理。",
    ),
    (
        "queue-or-log-log",
        "同样的 8 个账户的更新只追加一次到主题 updates（3 个分区，按账户分区），两个订阅者都读取它：ledger 和 audit 是各有 3 个成员的消费者组，每个成员按顺序读取一个分区，处理之后提交位点。",
    ),
    (
        "knee-queues",
        "每秒 3,000 条更新，持续 2 秒，经扇出交换器和每个订阅者一个队列送给两个订阅者；只有一个队列代理，每个请求耗时 0.1 毫秒、每条记录耗时 0.05 毫秒（示意数字，并非对 RabbitMQ 的测量）。每次发布是一个请求并落入两个队列；每次确认也是一个请求：每条更新占用代理 0.4 毫秒，所以代理每秒最多处理 2,500 条。",
    ),
    (
        "knee-log",
        "同样每秒 3,000 条更新、同样两个订阅者，追加到一个日志代理上的一个主题（3 个分区），代理开销相同：每个请求 0.1 毫秒、每条记录 0.05 毫秒（示意数字，并非对 Kafka 的测量）。生产者最多等待 5 毫秒凑成批次，一个批次是一个请求；每个消费者组的一次拉取是一个请求、取回许多记录，每批只提交一次。",
    ),
];

/// The name of preset `id` in `lang`, given its English one.
pub fn preset_name(lang: Lang, id: &str, en_name: &str) -> String {
    in_lang(ZH_NAMES, lang, id, en_name)
}

/// The description of preset `id` in `lang`, given its English one.
pub fn preset_description(lang: Lang, id: &str, en_description: &str) -> String {
    in_lang(ZH_DESCRIPTIONS, lang, id, en_description)
}

fn in_lang(table: &[(&str, &str)], lang: Lang, id: &str, en: &str) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => table.iter().find(|(i, _)| *i == id).map_or(en, |(_, t)| t),
    }
    .to_string()
}

/// `(id, name)` of every preset in `lang`, for the scenario menu: built once
/// per language and shared (the toolbar renders often).
pub fn preset_names(lang: Lang) -> super::Menu {
    thread_local! {
        static NAMES: super::MenuCache = super::MenuCache::default();
    }
    NAMES.with(|names| {
        names.get(lang, || {
            msgsim_sim::presets::all()
                .iter()
                .map(|p| (p.id.to_string(), preset_name(lang, p.id, &p.scenario.name)))
                .collect()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_chinese_text() {
        for p in msgsim_sim::presets::all() {
            for table in [ZH_NAMES, ZH_DESCRIPTIONS] {
                assert!(table.iter().any(|(id, t)| *id == p.id && !t.is_empty()), "{} lacks Chinese", p.id);
            }
        }
        assert_eq!(
            (ZH_NAMES.len(), ZH_DESCRIPTIONS.len()),
            (msgsim_sim::presets::all().len(), msgsim_sim::presets::all().len())
        );
    }

    /// The numbers in a text, in order (`1.5`, `300`, `0.012`).
    fn numbers(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in text.chars().chain([' ']) {
            if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
                cur.push(c);
            } else if !cur.is_empty() {
                out.push(cur.trim_end_matches('.').to_string());
                cur.clear();
            }
        }
        out.sort();
        out
    }

    #[test]
    fn chinese_descriptions_state_the_same_numbers() {
        for p in msgsim_sim::presets::all() {
            let en = &p.scenario.description;
            let zh = preset_description(Lang::Zh, p.id, en);
            assert_eq!(numbers(&zh), numbers(en), "{}: {zh}", p.id);
        }
    }
}
