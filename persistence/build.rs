// `embed_migrations!` reads the migration folders at compile time but does not tell cargo
// about them, so a new migration would otherwise not trigger a rebuild.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
