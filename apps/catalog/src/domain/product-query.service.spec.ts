import { categoryTreeOf } from './product-query.service';

describe('the category tree', () => {
  it('when categories arrive in any order, then roots and children are nested and sorted by name', () => {
    const category = (id: string, name: string, parentId: string | null) => ({ id, slug: id, name, path: name, parentId });
    const tree = categoryTreeOf([category('b', 'Books', null), category('s', 'Speakers', 'e'), category('a', 'Audio', 'e'), category('e', 'Electronics', null)]);
    expect(tree.map((root) => root.name)).toEqual(['Books', 'Electronics']);
    expect(tree[1].children.map((child) => child.name)).toEqual(['Audio', 'Speakers']);
    expect(tree[1].children[0]).toEqual({ id: 'a', slug: 'a', name: 'Audio', path: 'Audio', children: [] });
    expect(tree[1]).not.toHaveProperty('parentId');
  });

  it('when a category names a parent that is not there, then it is shown as a root rather than lost', () => {
    expect(categoryTreeOf([{ id: 'x', slug: 'x', name: 'Orphan', path: 'Orphan', parentId: 'gone' }]).map((root) => root.id)).toEqual(['x']);
  });
});
