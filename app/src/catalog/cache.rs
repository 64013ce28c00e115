//! A short-lived cache of what the catalog pages show (server only): the product lists, the
//! product pages and the phone models. Every page view read them from the database before;
//! now each is read at most once per key every `FRESH_FOR`, so a page costs the same however
//! many shoppers look at it, and however many SKUs the catalog holds. When an entry goes stale
//! under load, one request reads it again while the others are answered from it meanwhile: a
//! popular page's expiry made every open connection wait for that read (the slowest percent of
//! the page's answers, issue 33).
//!
//! Safe because nothing here is an authority: prices, stock and codes are read afresh by the
//! cart and by checkout, which decide. A stock count on a product page may be up to
//! `FRESH_FOR` old, plus the time one read takes. Invalidation: entries expire after
//! `FRESH_FOR`, and `clear` empties the cache for a change made through this server (each
//! other instance catches up within `FRESH_FOR`); a read that began before the change is not
//! kept.

use super::model::{CatalogFilter, PhoneModel, ProductRecord, ProductSummary};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a read stays fresh.
pub const FRESH_FOR: Duration = Duration::from_secs(2);
/// The most keys one cache holds: filters and slugs come from the address bar, so a stranger
/// could otherwise grow it without end.
const MAX_ENTRIES: usize = 512;
/// How long past its freshness a value may still be answered while one caller reads it again.
/// Past that (the database unreachable, say) callers wait for the read, as on a miss.
const STALE_GRACE: Duration = Duration::from_secs(10);

/// Values by key, each fresh for `ttl` after it was loaded. A stale key is loaded by one
/// caller at a time, so that the database is not read by every caller at once when a popular
/// page's entry expires under load: the others are answered with the stale value meanwhile,
/// or wait for the read when there is none (a miss, or after `clear`).
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
    /// The keys being loaded, each with the lock its loader holds.
    loading: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
    /// How many times the cache was cleared: a load that a clear overtook may hold what the
    /// change replaced, so it is answered but not kept.
    generation: AtomicU64,
}

impl<K: Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        TtlCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }

    /// The value kept for `key` and whether it is fresh; none once it is past even its grace.
    fn cached(&self, key: &K, now: Instant) -> Option<(V, bool)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (loaded, value) = entries.get(key)?;
        let age = now.duration_since(*loaded);
        (age < self.ttl + STALE_GRACE).then(|| (value.clone(), age < self.ttl))
    }

    /// The value for `key`: the cached one while fresh, otherwise what `load` reads (errors
    /// are not cached), or the stale one while another caller reads it.
    pub async fn get_or_load<E, F: Future<Output = Result<V, E>>>(
        &self,
        key: K,
        load: impl FnOnce() -> F,
    ) -> Result<V, E> {
        let stale = match self.cached(&key, Instant::now()) {
            Some((value, true)) => return Ok(value),
            kept => kept.map(|(value, _)| value),
        };
        let turn = Arc::clone(
            self.loading
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key.clone())
                .or_default(),
        );
        let _turn = match (stale, turn.try_lock()) {
            (_, Ok(turn)) => turn,
            (Some(stale), Err(_)) => return Ok(stale),
            (None, Err(_)) => turn.lock().await,
        };
        // Whoever held the turn before may have loaded it meanwhile.
        if let Some((value, true)) = self.cached(&key, Instant::now()) {
            return Ok(value);
        }
        let loaded_at = Instant::now();
        let generation = self.generation.load(Ordering::SeqCst);
        let loaded = load().await;
        self.loading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        let value = loaded?;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Checked under the entries' lock, which `clear` takes too.
        if self.generation.load(Ordering::SeqCst) != generation {
            return Ok(value);
        }
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (loaded, _)| loaded_at.duration_since(*loaded) < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (loaded_at, value.clone()));
        Ok(value)
    }

    pub fn clear(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }
}

/// The catalog reads the pages make.
#[derive(Debug)]
pub struct CatalogCache {
    pub models: TtlCache<(), Vec<PhoneModel>>,
    /// By filter, and whether only featured products.
    pub listings: TtlCache<(CatalogFilter, bool), Vec<ProductSummary>>,
    /// Shared, not copied: a product page takes one phone's variants out of it.
    pub products: TtlCache<String, Option<Arc<ProductRecord>>>,
}

impl Default for CatalogCache {
    fn default() -> Self {
        CatalogCache {
            models: TtlCache::new(FRESH_FOR),
            listings: TtlCache::new(FRESH_FOR),
            products: TtlCache::new(FRESH_FOR),
        }
    }
}

impl CatalogCache {
    /// Forgets everything: after a change to products, variants, prices or stock made here.
    pub fn clear(&self) {
        self.models.clear();
        self.listings.clear();
        self.products.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    async fn count_loads(cache: &TtlCache<u32, u32>, key: u32, loads: &AtomicU32) -> u32 {
        cache
            .get_or_load(key, || async {
                Ok::<u32, ()>(loads.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_fresh_value_is_read_once_and_a_cleared_one_again() {
        let cache = TtlCache::new(Duration::from_secs(60));
        let loads = AtomicU32::new(0);
        assert_eq!(count_loads(&cache, 1, &loads).await, 1);
        assert_eq!(count_loads(&cache, 1, &loads).await, 1);
        assert_eq!(count_loads(&cache, 2, &loads).await, 2);
        cache.clear();
        assert_eq!(count_loads(&cache, 1, &loads).await, 3);
    }

    #[tokio::test]
    async fn a_stale_value_is_read_again_and_errors_are_not_kept() {
        let cache = TtlCache::new(Duration::ZERO);
        let loads = AtomicU32::new(0);
        assert_eq!(count_loads(&cache, 1, &loads).await, 1);
        assert_eq!(count_loads(&cache, 1, &loads).await, 2);
        let fresh: TtlCache<u32, u32> = TtlCache::new(Duration::from_secs(60));
        assert_eq!(
            fresh
                .get_or_load(1, || async { Err::<u32, _>("down") })
                .await,
            Err("down")
        );
        assert_eq!(
            fresh.get_or_load(1, || async { Ok::<_, ()>(7) }).await,
            Ok(7)
        );
    }

    #[tokio::test]
    async fn a_read_that_a_clear_overtook_is_answered_but_not_kept() {
        let cache = Arc::new(TtlCache::new(Duration::from_secs(60)));
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let (finish, finish_rx) = tokio::sync::oneshot::channel::<()>();
        let slow = {
            let cache = Arc::clone(&cache);
            tokio::spawn(async move {
                cache
                    .get_or_load(1u32, || async {
                        started_tx.send(()).unwrap();
                        finish_rx.await.unwrap();
                        Ok::<u32, ()>(12)
                    })
                    .await
            })
        };
        started.await.unwrap();
        // The change lands while the old value is being read.
        cache.clear();
        finish.send(()).unwrap();
        assert_eq!(slow.await.unwrap(), Ok(12));
        assert_eq!(
            cache.get_or_load(1, || async { Ok::<_, ()>(13) }).await,
            Ok(13)
        );
    }

    #[tokio::test]
    async fn a_stale_value_is_answered_while_one_caller_reads_it_again() {
        let cache = Arc::new(TtlCache::new(Duration::from_millis(20)));
        assert_eq!(
            cache.get_or_load(1u32, || async { Ok::<u32, ()>(1) }).await,
            Ok(1)
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let (finish, finish_rx) = tokio::sync::oneshot::channel::<()>();
        let reader = {
            let cache = Arc::clone(&cache);
            tokio::spawn(async move {
                cache
                    .get_or_load(1, || async {
                        started_tx.send(()).unwrap();
                        finish_rx.await.unwrap();
                        Ok::<u32, ()>(2)
                    })
                    .await
            })
        };
        started.await.unwrap();
        let meanwhile = cache
            .get_or_load(1, || async { panic!("a second caller read it again") })
            .await;
        assert_eq!(meanwhile, Ok::<u32, ()>(1));
        finish.send(()).unwrap();
        assert_eq!(reader.await.unwrap(), Ok(2));
        let kept = cache
            .entries
            .lock()
            .unwrap()
            .get(&1)
            .map(|(_, value)| *value);
        assert_eq!(kept, Some(2));
    }

    #[tokio::test]
    async fn a_value_past_its_grace_is_not_answered() {
        let cache = TtlCache::new(Duration::ZERO);
        assert_eq!(
            cache.get_or_load(1u32, || async { Ok::<u32, ()>(1) }).await,
            Ok(1)
        );
        let kept = cache.cached(&1, Instant::now() + STALE_GRACE);
        assert_eq!(kept, None);
        let kept = cache.cached(&1, Instant::now());
        assert_eq!(kept, Some((1, false)));
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_key_read_it_once() {
        let cache = Arc::new(TtlCache::new(Duration::from_secs(60)));
        let loads = Arc::new(AtomicU32::new(0));
        let readers: Vec<_> = (0..16)
            .map(|_| {
                let (cache, loads) = (Arc::clone(&cache), Arc::clone(&loads));
                tokio::spawn(async move {
                    cache
                        .get_or_load(1u32, || async {
                            loads.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<u32, ()>(7)
                        })
                        .await
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(reader.await.unwrap(), Ok(7));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert!(cache.loading.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn the_cache_never_grows_past_its_bound() {
        let cache = TtlCache::new(Duration::from_secs(60));
        for key in 0..(MAX_ENTRIES as u32 * 3) {
            cache
                .get_or_load(key, || async { Ok::<_, ()>(key) })
                .await
                .unwrap();
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_ENTRIES);
    }
}
