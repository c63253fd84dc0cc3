//! Entry point of the web app (built by Trunk).

fn main() {
    // The static loading shell of index.html gives way to the app in the same
    // task, so no frame shows both.
    if let Some(shell) = gloo::utils::document().get_element_by_id("shell") {
        shell.remove();
    }
    yew::Renderer::<msgsim_web::App>::new().render();
}
