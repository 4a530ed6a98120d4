use axum::{Router, routing::get};

#[tokio::main]
async fn main() {
    dotenvy::dotenv().ok();
    let app = Router::new().route("/", get(|| async { "links" }));
    let listener = tokio::net::TcpListener::bind("[::]:8080").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
