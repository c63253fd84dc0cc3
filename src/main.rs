//! Entry point of the web app (built by Trunk).

fn main() {
    yew::Renderer::<msgsim_web::App>::new().render();
}
