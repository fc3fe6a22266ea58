class AddSlugToArticles < ActiveRecord::Migration[4.2]
  def up
    add_column :articles, :slug, :string
    add_index :articles, :slug, unique: true
    execute "UPDATE articles SET slug = id"
    change_column_null :articles, :slug, false
  end

  def down
    remove_index :articles, :slug
    remove_column :articles, :slug
  end
end
