//! The translation table: `Key => (English, 简体中文)`.

macro_rules! texts {
    ($($key:ident => ($en:expr, $zh:expr),)*) => {
        /// A user-facing string (the variant names say what it is).
        #[allow(missing_docs)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key.
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];
        }

        /// `(English, 简体中文)` for a key.
        pub(super) fn text(key: Key) -> (&'static str, &'static str) {
            match key { $(Key::$key => ($en, $zh),)* }
        }
    };
}

texts! {
    AppTitle => ("msgsim", "msgsim"),
    Tagline => ("Asynchronous messaging, simulated", "异步消息通信模拟器"),
    Intro => (
        "msgsim makes messaging between services visible: producers, brokers and consumers over links that delay, lose, duplicate and reorder messages — and the acks, retries, idempotency keys and dead-letter queues that keep the business outcome correct. Every run is deterministic: the same scenario and seed give the same result on every machine.",
        "msgsim 让服务之间的消息通信一目了然:生产者、消息代理和消费者之间的链路会延迟、丢失、重复和乱序投递消息;确认、重试、幂等键和死信队列则保证业务结果正确。每次运行都是确定的:相同的场景和种子在任何机器上都得到相同的结果。"
    ),
    Run => ("Run", "运行"),
    RunSummary => ("{0} {1}", "{0} {1}"),
    Sent => ("Sent", "已发送"),
    Lost => ("Lost in transit", "传输中丢失"),
    Delivered => ("Delivered", "已投递"),
    Verdict => ("Verdict", "结论"),
}
