package sublist

import (
	"fmt"
	"testing"
)

func benchList(b *testing.B, cacheSize int) (*Sublist[*sub], []string) {
	sl := New[*sub](cacheSize)
	var subjects []string
	for i := range 1000 {
		subj := fmt.Sprintf("svc.%d.req", i)
		subjects = append(subjects, subj)
		_ = sl.Insert(subj, "", &sub{id: i})
	}
	_ = sl.Insert("svc.*.req", "workers", &sub{id: -1})
	_ = sl.Insert("svc.>", "", &sub{id: -2})
	_ = sl.Insert(">", "", &sub{id: -3})
	return sl, subjects
}

func BenchmarkMatchCached(b *testing.B) {
	sl, subjects := benchList(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if sl.Match(subjects[i%len(subjects)]).Len() != 4 {
			b.Fatal("wrong match")
		}
	}
}

func BenchmarkMatchUncached(b *testing.B) {
	sl, subjects := benchList(b, -1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if sl.Match(subjects[i%len(subjects)]).Len() != 4 {
			b.Fatal("wrong match")
		}
	}
}

func BenchmarkMatchParallel(b *testing.B) {
	sl, subjects := benchList(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			sl.Match(subjects[i%len(subjects)])
			i++
		}
	})
}

func BenchmarkInsertRemove(b *testing.B) {
	sl, _ := benchList(b, 0)
	s := &sub{id: 1}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = sl.Insert("_INBOX.abc.*", "", s)
		_ = sl.Remove("_INBOX.abc.*", "", s)
	}
}
