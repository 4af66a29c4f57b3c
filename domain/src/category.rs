/// What a request or offer is about, and what a resident can help with or is interested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Goods,
    Knowledge,
    Skills,
    Help,
    Care,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Goods,
        Category::Knowledge,
        Category::Skills,
        Category::Help,
        Category::Care,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Goods => "goods",
            Self::Knowledge => "knowledge",
            Self::Skills => "skills",
            Self::Help => "help",
            Self::Care => "care",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// A set of categories, in a stable order and without repeats.
    pub fn normalise_set(categories: impl IntoIterator<Item = Category>) -> Vec<Category> {
        let mut set: Vec<Category> = categories.into_iter().collect();
        set.sort_unstable();
        set.dedup();
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalises() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("Care"), None);
        assert_eq!(
            Category::normalise_set([Category::Care, Category::Goods, Category::Care]),
            [Category::Goods, Category::Care]
        );
    }
}
